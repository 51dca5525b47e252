// Positive (misuse): a semaphore destroyed while a thread waits on it
// (glibc's sem_destroy does nothing: the waiter sleeps on dead memory). The
// waiter uses a 500 ms timed wait so that the program still ends.
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

#include "elapsed.h"

static sem_t job_ready;
static volatile int waiting;

static void *waiter(void *arg) {
  (void)arg;
  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_sec += 1;
  waiting = 1;
  sem_timedwait(&job_ready, &deadline);  // EXPECT: destroy-locked
  return NULL;
}

int main(void) {
  pthread_t t;
  sem_init(&job_ready, 0, 0);
  pthread_create(&t, NULL, waiter, NULL);
  while (!waiting) sleep_us(1000);
  sleep_us(100000);  // the waiter is asleep in sem_timedwait by now
  sem_destroy(&job_ready);  // EXPECT: destroy-locked
  pthread_join(t, NULL);
  return 0;
}
