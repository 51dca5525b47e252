// Negative: two rwlocks READ-locked in opposite orders. Readers never block
// readers and nobody ever write-locks them here, so the cycle cannot block
// (glibc's default rwlock also prefers readers).
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_rwlock_t schema_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t stats_lock = PTHREAD_RWLOCK_INITIALIZER;
static int columns = 3, lookups;

static void *planner(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_rwlock_rdlock(&schema_lock);  // NOT: lock-order-inversion
  pthread_rwlock_rdlock(&stats_lock);  // NOT: lock-order-inversion
  __atomic_add_fetch(&lookups, columns, __ATOMIC_RELAXED);
  pthread_rwlock_unlock(&stats_lock);
  pthread_rwlock_unlock(&schema_lock);
  turn_end(0);
  return NULL;
}

static void *reporter(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_rwlock_rdlock(&stats_lock);  // NOT: lock-order-inversion
  pthread_rwlock_rdlock(&schema_lock);  // NOT: lock-order-inversion
  __atomic_add_fetch(&lookups, columns, __ATOMIC_RELAXED);
  pthread_rwlock_unlock(&schema_lock);
  pthread_rwlock_unlock(&stats_lock);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_create(&one, NULL, planner, NULL);
  pthread_create(&two, NULL, reporter, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return lookups == 6 ? 0 : 1;
}
