// Negative: three threads always take outer -> middle -> inner, one of them
// releasing out of order (outer before taking inner, still holding middle).
// Every edge agrees with one global order: no cycle, nothing to report.
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t middle = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static int work;

static void *nested(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&outer);  // NOT: lock-order-inversion
    pthread_mutex_lock(&middle);  // NOT: lock-order-inversion
    pthread_mutex_lock(&inner);  // NOT: lock-order-inversion
    work++;
    pthread_mutex_unlock(&inner);
    pthread_mutex_unlock(&middle);
    pthread_mutex_unlock(&outer);
  }
  return NULL;
}

static void *hand_over_hand(void *arg) {
  (void)arg;
  for (int i = 0; i < 1000; i++) {
    pthread_mutex_lock(&outer);  // NOT: lock-order-inversion
    pthread_mutex_lock(&middle);  // NOT: lock-order-inversion
    pthread_mutex_unlock(&outer);
    pthread_mutex_lock(&inner);  // NOT: lock-order-inversion
    work--;
    pthread_mutex_unlock(&inner);
    pthread_mutex_unlock(&middle);
  }
  return NULL;
}

int main(void) {
  pthread_t threads[3];
  pthread_create(&threads[0], NULL, nested, NULL);
  pthread_create(&threads[1], NULL, hand_over_hand, NULL);
  pthread_create(&threads[2], NULL, nested, NULL);
  for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
  return work == 1000 ? 0 : 1;
}
