/* One "test binary" of a pair: takes lock_a then lock_b. Alone it is fine;
 * with cross_ba.c (b then a) in another process the order is inconsistent.
 * Global mutexes, so the runtime names them var:lock_a / var:lock_b in both. */
#include <pthread.h>
#include <stdio.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int transfers;

static void *transfer_a_to_b(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  ++transfers;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, transfer_a_to_b, NULL);
  pthread_join(t, NULL);
  printf("cross_ab: %d transfer\n", transfers);
  return 0;
}
