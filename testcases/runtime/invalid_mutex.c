// Locking a mutex after pthread_mutex_destroy. glibc rejects it with EINVAL,
// so the lock is not held afterwards (nothing is held at exit).
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t registry_lock;

int main(void) {
  pthread_mutex_init(&registry_lock, NULL);
  pthread_mutex_lock(&registry_lock);  // NOT: invalid-mutex
  pthread_mutex_unlock(&registry_lock);
  pthread_mutex_destroy(&registry_lock);  // EXPECT: invalid-mutex
  int rc = pthread_mutex_lock(&registry_lock);  // EXPECT: invalid-mutex
  printf("lock after destroy: %d\n", rc);
  return 0;
}
