// An ABBA inversion is recorded, then the program aborts. The SARIF file
// must still be complete, and the process must still die of SIGABRT (the
// runtime reports, it does not hide how the program ended).
// EXPECT-EXIT: SIGABRT
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

static void *backward(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&lock_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // EXPECT: lock-order-inversion
  state++;
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
  if (state == 2) abort();
  return 0;
}
