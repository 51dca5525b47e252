// Suppressions: two independent ABBA inversions. The one in the legacy_*
// functions is suppressed by suppressed.supp (`lock-order-inversion:legacy_*`,
// matched against any frame's function), the other one must still be reported.
// RUN-OPTIONS: suppressions=%S/suppressed.supp
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t legacy_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t legacy_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fresh_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t fresh_b = PTHREAD_MUTEX_INITIALIZER;
static int counter;

static void *legacy_forward(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&legacy_a);  // NOT: lock-order-inversion
  pthread_mutex_lock(&legacy_b);  // NOT: lock-order-inversion
  counter++;
  pthread_mutex_unlock(&legacy_b);
  pthread_mutex_unlock(&legacy_a);
  turn_end(0);
  return NULL;
}

static void *legacy_backward(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&legacy_b);  // NOT: lock-order-inversion
  pthread_mutex_lock(&legacy_a);  // NOT: lock-order-inversion
  counter++;
  pthread_mutex_unlock(&legacy_a);
  pthread_mutex_unlock(&legacy_b);
  turn_end(1);
  return NULL;
}

static void *fresh_forward(void *arg) {
  (void)arg;
  turn_begin(2);
  pthread_mutex_lock(&fresh_a);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&fresh_b);  // EXPECT: lock-order-inversion
  counter++;
  pthread_mutex_unlock(&fresh_b);
  pthread_mutex_unlock(&fresh_a);
  turn_end(2);
  return NULL;
}

static void *fresh_backward(void *arg) {
  (void)arg;
  turn_begin(3);
  pthread_mutex_lock(&fresh_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&fresh_a);  // EXPECT: lock-order-inversion
  counter++;
  pthread_mutex_unlock(&fresh_a);
  pthread_mutex_unlock(&fresh_b);
  turn_end(3);
  return NULL;
}

int main(void) {
  void *(*workers[4])(void *) = {legacy_forward, legacy_backward, fresh_forward, fresh_backward};
  pthread_t threads[4];
  turns_init();
  for (int i = 0; i < 4; i++) pthread_create(&threads[i], NULL, workers[i], NULL);
  for (int i = 0; i < 4; i++) pthread_join(threads[i], NULL);
  return 0;
}
