// Locks still held when their owner goes away: a worker thread returns
// while holding session_lock, and main returns while holding
// shutdown_lock. A lock taken and released properly stays silent.
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t session_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t shutdown_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static int sessions;

static void *open_session(void *arg) {
  (void)arg;
  pthread_mutex_lock(&counter_lock);  // NOT: lock-held-at-exit
  sessions++;
  pthread_mutex_unlock(&counter_lock);
  pthread_mutex_lock(&session_lock);  // EXPECT: lock-held-at-exit
  sessions++;
  return NULL;
}

int main(void) {
  pthread_t thread;
  pthread_create(&thread, NULL, open_session, NULL);
  pthread_join(thread, NULL);
  pthread_mutex_lock(&shutdown_lock);  // EXPECT: lock-held-at-exit
  return sessions == 2 ? 0 : 1;
}
