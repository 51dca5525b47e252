/* The look-alike: two threads, the same two locks, always in one order. */
#include <pthread.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *worker(void *arg) {
  int delta = *(int *)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  balance += delta;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  int plus = 1, minus = -1;
  pthread_create(&one, NULL, worker, &plus);
  pthread_create(&two, NULL, worker, &minus);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
