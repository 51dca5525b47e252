// pthread_rwlock_destroy on a rwlock this thread still holds for reading.
// Read holds are not counted in the runtime's lock state (a shared counter
// would cost every reader a contended cache line): the destroy finds the
// holder in the held sets. glibc's destroy does not refuse; the rwlock is
// initialised again before its next use, which is correct and silent.
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock;

int main(void) {
  pthread_rwlock_init(&table_lock, NULL);
  pthread_rwlock_rdlock(&table_lock);  // EXPECT: destroy-locked
  int rc = pthread_rwlock_destroy(&table_lock);  // EXPECT: destroy-locked
  pthread_rwlock_init(&table_lock, NULL);  // a new lock from here on
  pthread_rwlock_rdlock(&table_lock);  // NOT: invalid-mutex, double-lock
  pthread_rwlock_unlock(&table_lock);  // NOT: bad-unlock, invalid-mutex
  int rc2 = pthread_rwlock_destroy(&table_lock);  // NOT: destroy-locked, invalid-mutex
  printf("destroy while read-held: %d, after re-init: %d\n", rc, rc2);
  return 0;
}
