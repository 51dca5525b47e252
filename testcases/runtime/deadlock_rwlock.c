// A real deadlock through a READ hold: the reporter read-locks `catalog` and
// then wants `prices` for writing; the updater holds `prices` for writing and
// wants `catalog` for writing, which waits for the reader. Neither can move.
// halt_on_error=1 ends it; the inversion may be reported as well.
// RUN-OPTIONS: halt_on_error=1
// EXPECT-EXIT: 66
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

static pthread_rwlock_t catalog = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t prices = PTHREAD_RWLOCK_INITIALIZER;
static sem_t catalog_read, prices_written;
static int total;

static void *reporter(void *arg) {
  (void)arg;
  pthread_rwlock_rdlock(&catalog);  // EXPECT: deadlock; MAY: lock-order-inversion
  sem_post(&catalog_read);
  sem_wait(&prices_written);
  pthread_rwlock_wrlock(&prices);  // EXPECT: deadlock; MAY: lock-order-inversion
  total++;
  pthread_rwlock_unlock(&prices);
  pthread_rwlock_unlock(&catalog);
  return NULL;
}

static void *updater(void *arg) {
  (void)arg;
  pthread_rwlock_wrlock(&prices);  // EXPECT: deadlock; MAY: lock-order-inversion
  sem_post(&prices_written);
  sem_wait(&catalog_read);
  pthread_rwlock_wrlock(&catalog);  // EXPECT: deadlock; MAY: lock-order-inversion
  total--;
  pthread_rwlock_unlock(&catalog);
  pthread_rwlock_unlock(&prices);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  sem_init(&catalog_read, 0, 0);
  sem_init(&prices_written, 0, 0);
  pthread_create(&one, NULL, reporter, NULL);
  pthread_create(&two, NULL, updater, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
