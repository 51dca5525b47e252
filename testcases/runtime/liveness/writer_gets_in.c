// Negative: a reader-heavy rwlock where the writer still gets in. Four
// readers read often but pause between reads; a writer updates every few
// milliseconds. Waits are short: no starvation (default thresholds).
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_rwlock_t settings = PTHREAD_RWLOCK_INITIALIZER;
static long generation, reads;

static void *reader(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 1.0) {
    pthread_rwlock_rdlock(&settings);  // NOT: starvation
    __atomic_add_fetch(&reads, generation, __ATOMIC_RELAXED);
    sleep_us(200);
    pthread_rwlock_unlock(&settings);
    sleep_us(300);
  }
  return NULL;
}

static void *writer(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 1.0) {
    pthread_rwlock_wrlock(&settings);  // NOT: starvation
    generation++;
    pthread_rwlock_unlock(&settings);
    sleep_us(2000);
  }
  return NULL;
}

int main(void) {
  pthread_t r[4], w;
  elapsed_seconds();
  for (int i = 0; i < 4; i++) pthread_create(&r[i], NULL, reader, NULL);
  pthread_create(&w, NULL, writer, NULL);
  for (int i = 0; i < 4; i++) pthread_join(r[i], NULL);
  pthread_join(w, NULL);
  return generation > 10 ? 0 : 1;
}
