// pthread_mutex_destroy on a mutex that is still locked. glibc refuses with
// EBUSY and the mutex stays valid, so the unlock and the second destroy that
// follow are correct and must not be reported.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t cache_lock;

int main(void) {
  pthread_mutex_init(&cache_lock, NULL);
  pthread_mutex_lock(&cache_lock);  // EXPECT: destroy-locked
  int busy_rc = pthread_mutex_destroy(&cache_lock);  // EXPECT: destroy-locked
  pthread_mutex_unlock(&cache_lock);  // NOT: invalid-mutex, bad-unlock
  int rc = pthread_mutex_destroy(&cache_lock);  // NOT: destroy-locked, invalid-mutex
  printf("destroy while locked: %d, after unlock: %d\n", busy_rc, rc);
  return 0;
}
