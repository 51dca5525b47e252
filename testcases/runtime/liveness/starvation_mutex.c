// Positive: mutex starvation. A "hog" thread takes the lock in a tight loop
// (lock, work 200 us, unlock, lock again at once) for 1.5 s; glibc mutexes
// are not fair, so the woken waiter finds the lock taken again every time.
// The victim waits the whole time while the hog takes it thousands of times.
// RUN-OPTIONS: starvation_ms=500
#include <pthread.h>
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
  while (elapsed_seconds() < 1.5) {
    pthread_mutex_lock(&journal);  // EXPECT: starvation
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
  pthread_mutex_lock(&journal);  // EXPECT: starvation
  entries++;
  pthread_mutex_unlock(&journal);
  return NULL;
}

int main(void) {
  pthread_t a, b;
  elapsed_seconds();
  pthread_create(&a, NULL, hog, NULL);
  pthread_create(&b, NULL, victim, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return entries > 1 ? 0 : 1;
}
