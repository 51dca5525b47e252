// Positive: writer starvation on a reader-writer lock. Three readers keep
// the lock read-held with overlapping 1 ms reads for 1.5 s; glibc's default
// rwlock prefers readers, so the writer waits until they stop.
// RUN-OPTIONS: starvation_ms=500
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_rwlock_t catalog = PTHREAD_RWLOCK_INITIALIZER;
static volatile int readers_in;
static long version, lookups;

static void *reader(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 1.5) {
    pthread_rwlock_rdlock(&catalog);  // EXPECT: starvation
    __atomic_add_fetch(&readers_in, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&lookups, version, __ATOMIC_RELAXED);
    sleep_us(1000);
    pthread_rwlock_unlock(&catalog);
  }
  return NULL;
}

static void *writer(void *arg) {
  (void)arg;
  while (__atomic_load_n(&readers_in, __ATOMIC_RELAXED) < 3) sleep_us(100);
  pthread_rwlock_wrlock(&catalog);  // EXPECT: starvation
  version++;
  pthread_rwlock_unlock(&catalog);
  return NULL;
}

int main(void) {
  pthread_t r[3], w;
  elapsed_seconds();
  for (int i = 0; i < 3; i++) pthread_create(&r[i], NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  for (int i = 0; i < 3; i++) pthread_join(r[i], NULL);
  pthread_join(w, NULL);
  return version == 1 ? 0 : 1;
}
