// Options: help=1 prints every option (with its default and help) and the
// program still runs; exitcode=7 replaces the default 66 as the exit status
// of a process that reported a finding (here an ABBA inversion).
// RUN-OPTIONS: help=1:exitcode=7
// EXPECT-EXIT: 7
// EXPECT-STDERR: halt_on_error
// EXPECT-STDERR: suppressions
// EXPECT-STDERR: exitcode
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *forward(void *arg) {
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

static void *backward(void *arg) {
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
  pthread_create(&one, NULL, forward, NULL);
  pthread_create(&two, NULL, backward, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
