// Positive: mutex starvation. Two greedy threads spin on try-lock and hold
// the lock 200 us at a time, for 2.5 s; glibc mutexes are not fair, so
// whenever the lock is released a spinning hog has it again long before the
// blocked victim is even woken. The victim is a low-priority (SCHED_IDLE)
// background thread, so the scheduler never lets it preempt a hog at the
// moment of a release: it waits the whole time while the hogs take the lock
// thousands of times. (The hogs' failed try-locks always end in success: no
// livelock.)
// RUN-OPTIONS: starvation_ms=500
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t journal = PTHREAD_MUTEX_INITIALIZER;
static volatile int hog_running;
static long entries;

static void busy_us(double us) {
  double until = elapsed_seconds() + us / 1e6;
  while (elapsed_seconds() < until) {
  }
}

static void *hog(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 2.5) {
    while (pthread_mutex_trylock(&journal) != 0) {  // EXPECT: starvation; NOT: livelock
    }
    hog_running = 1;
    entries++;
    busy_us(200);
    pthread_mutex_unlock(&journal);
  }
  return NULL;
}

static void *victim(void *arg) {
  (void)arg;
  while (!hog_running) sleep_us(100);
  struct sched_param background = {0};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &background);
  while (elapsed_seconds() < 2.0) {  // keeps trying while the hogs run
    pthread_mutex_lock(&journal);  // EXPECT: starvation
    entries++;
    pthread_mutex_unlock(&journal);
    sleep_us(1000);
  }
  return NULL;
}

int main(void) {
  pthread_t a, b, c;
  elapsed_seconds();
  pthread_create(&a, NULL, hog, NULL);
  pthread_create(&b, NULL, hog, NULL);
  pthread_create(&c, NULL, victim, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  pthread_join(c, NULL);
  return entries > 1 ? 0 : 1;
}
