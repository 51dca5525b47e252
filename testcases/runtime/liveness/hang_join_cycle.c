// Positive: main joins a worker while holding the lock the worker needs.
// A third thread keeps running (a heartbeat), so not every thread is
// blocked: the watchdog finds the join -> lock -> holder cycle, reports it
// after 1 s and ends the process (66). Bounded: the heartbeat gives up
// after 10 s, but the watchdog ends the program long before.
// RUN-OPTIONS: hang_timeout_ms=1000
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t registry = PTHREAD_MUTEX_INITIALIZER;
static int registered;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&registry);  // EXPECT: hang
  registered++;
  pthread_mutex_unlock(&registry);
  return NULL;
}

static void *heartbeat(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 10.0) sleep_us(10000);
  return NULL;
}

int main(void) {
  pthread_t w, h;
  elapsed_seconds();
  pthread_create(&h, NULL, heartbeat, NULL);
  pthread_mutex_lock(&registry);  // EXPECT: hang
  pthread_create(&w, NULL, worker, NULL);
  pthread_join(w, NULL);  // EXPECT: hang
  pthread_mutex_unlock(&registry);
  pthread_join(h, NULL);
  return 0;
}
