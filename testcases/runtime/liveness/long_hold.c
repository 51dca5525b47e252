// Negative: contention, not starvation. The holder keeps the lock for
// 1.2 s in one go (a slow operation); the waiter waits that long, but nobody
// else takes the lock meanwhile. With profile=1 the wait shows up in the
// contention profile instead (longest hold ~1.2 s).
// RUN-OPTIONS: starvation_ms=300:profile=1
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t disk = PTHREAD_MUTEX_INITIALIZER;
static volatile int holding;
static int writes;

static void *slow_writer(void *arg) {
  (void)arg;
  pthread_mutex_lock(&disk);  // NOT: starvation
  holding = 1;
  sleep_us(1200000);
  writes++;
  pthread_mutex_unlock(&disk);
  return NULL;
}

static void *waiter(void *arg) {
  (void)arg;
  while (!holding) sleep_us(100);
  pthread_mutex_lock(&disk);  // NOT: starvation
  writes++;
  pthread_mutex_unlock(&disk);
  return NULL;
}

int main(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, slow_writer, NULL);
  pthread_create(&b, NULL, waiter, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return writes == 2 ? 0 : 1;
}
