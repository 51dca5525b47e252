// Negative: two mutexes are used A -> B, destroyed, re-initialised at the
// same addresses, then used B -> A. The two lives never coexist, so the old
// edges died with pthread_mutex_destroy: no cycle. The first thread is kept
// alive meanwhile so thread lifetimes alone do not explain the silence.
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t lock_a;
static pthread_mutex_t lock_b;
static int generation;

static void *old_user(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&lock_a);  // NOT: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
  generation++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  turn_end(0);
  turn_begin(3);
  return NULL;
}

static void *new_user(void *arg) {
  (void)arg;
  turn_begin(2);
  pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // NOT: lock-order-inversion
  generation++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  turn_end(2);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  turns_init();
  pthread_mutex_init(&lock_a, NULL);
  pthread_mutex_init(&lock_b, NULL);
  pthread_create(&one, NULL, old_user, NULL);
  pthread_create(&two, NULL, new_user, NULL);
  turn_begin(1);
  pthread_mutex_destroy(&lock_a);
  pthread_mutex_destroy(&lock_b);
  pthread_mutex_init(&lock_a, NULL);
  pthread_mutex_init(&lock_b, NULL);
  turn_end(1);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  pthread_mutex_destroy(&lock_a);
  pthread_mutex_destroy(&lock_b);
  return generation == 2 ? 0 : 1;
}
