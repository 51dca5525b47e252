// Positive: every thread blocked on a semaphore or a barrier. The barrier
// is set up for three threads but only the worker arrives; main waits on a
// semaphore the worker would post after the barrier. The watchdog reports
// both waits after 1 s and exits with 66.
// RUN-OPTIONS: hang_timeout_ms=1000
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

static pthread_barrier_t start_line;
static sem_t finished;

static void *worker(void *arg) {
  (void)arg;
  pthread_barrier_wait(&start_line);  // EXPECT: hang
  sem_post(&finished);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_barrier_init(&start_line, NULL, 3);  // off by one: only two parties exist
  sem_init(&finished, 0, 0);
  pthread_create(&t, NULL, worker, NULL);
  pthread_barrier_wait(&start_line);  // EXPECT: hang
  sem_wait(&finished);
  pthread_join(t, NULL);
  return 0;
}
