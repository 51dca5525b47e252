/* Three threads, three locks, a ring: a -> b, b -> c, c -> a. */
#include <pthread.h>

static pthread_mutex_t ring_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ring_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ring_c = PTHREAD_MUTEX_INITIALIZER;

static void *ring_ab(void *arg) {
  pthread_mutex_lock(&ring_a);                          /* DEADLOCK */
  pthread_mutex_lock(&ring_b);                          /* DEADLOCK */
  pthread_mutex_unlock(&ring_b);
  pthread_mutex_unlock(&ring_a);
  return arg;
}

static void *ring_bc(void *arg) {
  pthread_mutex_lock(&ring_b);                          /* DEADLOCK */
  pthread_mutex_lock(&ring_c);                          /* DEADLOCK */
  pthread_mutex_unlock(&ring_c);
  pthread_mutex_unlock(&ring_b);
  return arg;
}

static void *ring_ca(void *arg) {
  pthread_mutex_lock(&ring_c);                          /* DEADLOCK */
  pthread_mutex_lock(&ring_a);                          /* DEADLOCK */
  pthread_mutex_unlock(&ring_a);
  pthread_mutex_unlock(&ring_c);
  return arg;
}

void ring_scenario(void) {
  pthread_t t1, t2, t3;
  pthread_create(&t1, 0, ring_ab, 0);
  pthread_create(&t2, 0, ring_bc, 0);
  pthread_create(&t3, 0, ring_ca, 0);
  pthread_join(t1, 0);
  pthread_join(t2, 0);
  pthread_join(t3, 0);
}
