// Two pthread rwlocks write-locked in opposite orders by two threads: a
// potential deadlock exactly like mutex ABBA (writers exclude everybody).
// EXPECT-STDERR: `(table|index)_lock` -> .*`(table|index)_lock`
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_rwlock_t index_lock = PTHREAD_RWLOCK_INITIALIZER;
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int rows;

static void *insert_row(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_rwlock_wrlock(&table_lock);  // EXPECT: lock-order-inversion
  pthread_rwlock_wrlock(&index_lock);  // EXPECT: lock-order-inversion
  rows++;
  pthread_rwlock_unlock(&index_lock);
  pthread_rwlock_unlock(&table_lock);
  turn_end(0);
  return NULL;
}

static void *rebuild_index(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_rwlock_wrlock(&index_lock);  // EXPECT: lock-order-inversion
  pthread_rwlock_wrlock(&table_lock);  // EXPECT: lock-order-inversion
  rows = 0;
  pthread_rwlock_unlock(&table_lock);
  pthread_rwlock_unlock(&index_lock);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_create(&one, NULL, insert_row, NULL);
  pthread_create(&two, NULL, rebuild_index, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
