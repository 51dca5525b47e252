// Positive: a hang no lock cycle shows. The worker waits on a condition
// variable for a "ready" flag nobody ever sets (the signal was forgotten);
// main joins the worker. Every thread is blocked: the watchdog reports the
// hang after 1 s and ends the process with exit status 66.
// RUN-OPTIONS: hang_timeout_ms=1000
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_changed = PTHREAD_COND_INITIALIZER;
static int ready;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&state_lock);
  while (!ready) pthread_cond_wait(&ready_changed, &state_lock);  // EXPECT: hang
  pthread_mutex_unlock(&state_lock);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, worker, NULL);
  // (the producer that would set `ready` and signal is missing)
  pthread_join(t, NULL);  // EXPECT: hang
  return 0;
}
