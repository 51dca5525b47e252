// The repeat path must not hide news. Thread one takes lock_a -> lock_b a
// thousand times: after the first, the edge is known and the runtime's fast
// path handles the acquisitions without calling the detectors. Then thread
// one takes lock_b -> lock_a once: a cycle, but made by one thread only, which
// is silent by default. Thread two then takes lock_a -> lock_b: a known edge,
// but new for this thread. That occurrence must still reach the lock graph,
// where it makes the cycle one that two threads can close: reported.
// EXPECT-STDERR: Cycle: mutex `lock_[ab]` -> mutex `lock_[ab]` -> mutex `lock_[ab]`
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *worker_one(void *arg) {
  (void)arg;
  turn_begin(0);
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&lock_a);  // MAY: lock-order-inversion
    pthread_mutex_lock(&lock_b);  // MAY: lock-order-inversion
    balance++;
    pthread_mutex_unlock(&lock_b);
    pthread_mutex_unlock(&lock_a);
  }
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  balance--;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  turn_end(0);
  return NULL;
}

static void *worker_two(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&lock_a);  // MAY: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // MAY: lock-order-inversion
  balance++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_create(&one, NULL, worker_one, NULL);
  pthread_create(&two, NULL, worker_two, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return balance == 1000 ? 0 : 1;
}
