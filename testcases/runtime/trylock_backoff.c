// Negative: one thread takes lock_a then lock_b; the other holds lock_b and
// only TRIES lock_a, backing off (releasing lock_b) when that fails. A
// failing try never blocks, so (b, try a) vs (a, b) cannot deadlock.
#include <pthread.h>
#include <sched.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int transfers;

static void *straight(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&lock_a);  // NOT: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
  transfers++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  turn_end(0);
  return NULL;
}

static void *backing_off(void *arg) {
  (void)arg;
  turn_begin(1);
  for (;;) {
    pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
    if (pthread_mutex_trylock(&lock_a) == 0) break;  // NOT: lock-order-inversion
    pthread_mutex_unlock(&lock_b);
    sched_yield();
  }
  transfers++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_create(&one, NULL, straight, NULL);
  pthread_create(&two, NULL, backing_off, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return transfers == 2 ? 0 : 1;
}
