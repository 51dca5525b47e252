// Unlocks of mutexes the calling thread does not hold, in one thread:
// a plain mutex that was never locked, and a recursive mutex unlocked one
// time more than it was locked (count underflow). The balanced recursive
// unlocks before the underflow are fine.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t tree_lock;
static int nodes;

static void make_recursive(pthread_mutex_t *mutex) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(mutex, &attr);
  pthread_mutexattr_destroy(&attr);
}

int main(void) {
  make_recursive(&tree_lock);
  int rc = pthread_mutex_unlock(&stats_lock);  // EXPECT: bad-unlock
  pthread_mutex_lock(&tree_lock);  // NOT: bad-unlock
  pthread_mutex_lock(&tree_lock);  // NOT: bad-unlock
  nodes++;
  pthread_mutex_unlock(&tree_lock);  // NOT: bad-unlock
  pthread_mutex_unlock(&tree_lock);  // NOT: bad-unlock
  int underflow_rc = pthread_mutex_unlock(&tree_lock);  // EXPECT: bad-unlock
  printf("rc %d, underflow rc %d\n", rc, underflow_rc);
  pthread_mutex_destroy(&tree_lock);
  return 0;
}
