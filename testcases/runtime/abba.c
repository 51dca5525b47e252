// Two threads take two mutexes in opposite orders (ABBA): a potential
// deadlock. The threads take turns, so this run never hangs, but the lock
// order graph holds the cycle lock_a -> lock_b -> lock_a.
// Lock names come from the symbol table: the variables themselves.
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
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  balance++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  turn_end(0);
  return NULL;
}

static void *worker_two(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  balance--;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
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
  return 0;
}
