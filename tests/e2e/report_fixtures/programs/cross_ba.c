/* The other "test binary" of the pair: takes lock_b then lock_a. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int refunds;

static void *refund_b_to_a(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  ++refunds;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, refund_b_to_a, NULL);
  pthread_join(t, NULL);
  printf("cross_ba: %d refund\n", refunds);
  return 0;
}
