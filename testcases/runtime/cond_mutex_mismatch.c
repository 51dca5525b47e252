// One condition variable, two concurrent waiters using two different mutexes
// (undefined behaviour in POSIX: all concurrent waits on a condition variable
// must use the same mutex). The main thread makes sure the first waiter is
// really waiting before the second starts, then wakes both.
#include <pthread.h>
#include <stddef.h>
#include <time.h>

static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t backlog_lock = PTHREAD_MUTEX_INITIALIZER;
static int queue_waiting, backlog_waiting;  // each guarded by its mutex
static int released;
static int finished;  // waiters that returned from their wait loop

static int is_released(void) { return __atomic_load_n(&released, __ATOMIC_ACQUIRE); }

static void *queue_waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&queue_lock);
  queue_waiting = 1;
  while (!is_released())
    pthread_cond_wait(&work_ready, &queue_lock);  // EXPECT: cond-mutex-mismatch
  pthread_mutex_unlock(&queue_lock);
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  return NULL;
}

static void *backlog_waiter(void *arg) {
  (void)arg;
  pthread_mutex_lock(&backlog_lock);
  backlog_waiting = 1;
  while (!is_released())
    pthread_cond_wait(&work_ready, &backlog_lock);  // EXPECT: cond-mutex-mismatch
  pthread_mutex_unlock(&backlog_lock);
  __atomic_add_fetch(&finished, 1, __ATOMIC_RELEASE);
  return NULL;
}

// The waiter sets its flag and keeps the mutex until the wait releases it,
// so seeing the flag under the mutex means the waiter is inside the wait.
static void wait_until_waiting(pthread_mutex_t *mutex, const int *flag) {
  for (;;) {
    pthread_mutex_lock(mutex);
    int waiting = *flag;
    pthread_mutex_unlock(mutex);
    if (waiting) return;
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
}

int main(void) {
  pthread_t first, second;
  pthread_create(&first, NULL, queue_waiter, NULL);
  wait_until_waiting(&queue_lock, &queue_waiting);
  pthread_create(&second, NULL, backlog_waiter, NULL);
  wait_until_waiting(&backlog_lock, &backlog_waiting);
  __atomic_store_n(&released, 1, __ATOMIC_RELEASE);
  // Broadcast until both left: a waiter that woke spuriously and went back to
  // waiting just before the first broadcast must not be left waiting.
  while (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) < 2) {
    pthread_cond_broadcast(&work_ready);
    struct timespec pause = {0, 1000000};
    nanosleep(&pause, NULL);
  }
  pthread_join(first, NULL);
  pthread_join(second, NULL);
  return 0;
}
