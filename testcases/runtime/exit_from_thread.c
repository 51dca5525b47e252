// An ABBA inversion is recorded, then a worker thread calls exit() while the
// main thread is still blocked in pthread_join. The report must be complete
// (text and SARIF) and, as a finding was reported, the exit status becomes
// the runtime's exitcode (66) instead of the program's 3.
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>

#include "turns.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int state;

static void *forward(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  state++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  turn_end(0);
  return NULL;
}

static void *backward_then_exit(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  state++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  exit(3);
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_create(&one, NULL, forward, NULL);
  pthread_create(&two, NULL, backward_then_exit, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
