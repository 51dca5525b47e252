// Three threads, three mutexes, each thread takes "its" mutex then the next
// one: A -> B, B -> C, C -> A. No two threads invert a pair, but together
// they form a cycle of length three (a potential three-way deadlock).
#include <pthread.h>
#include <stdint.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t ring_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ring_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t ring_c = PTHREAD_MUTEX_INITIALIZER;
static int tokens;

static void *stage_ab(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&ring_a);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&ring_b);  // EXPECT: lock-order-inversion
  tokens++;
  pthread_mutex_unlock(&ring_b);
  pthread_mutex_unlock(&ring_a);
  turn_end(0);
  return NULL;
}

static void *stage_bc(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&ring_b);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&ring_c);  // EXPECT: lock-order-inversion
  tokens++;
  pthread_mutex_unlock(&ring_c);
  pthread_mutex_unlock(&ring_b);
  turn_end(1);
  return NULL;
}

static void *stage_ca(void *arg) {
  (void)arg;
  turn_begin(2);
  pthread_mutex_lock(&ring_c);  // EXPECT: lock-order-inversion
  pthread_mutex_lock(&ring_a);  // EXPECT: lock-order-inversion
  tokens++;
  pthread_mutex_unlock(&ring_a);
  pthread_mutex_unlock(&ring_c);
  turn_end(2);
  return NULL;
}

int main(void) {
  pthread_t threads[3];
  turns_init();
  pthread_create(&threads[0], NULL, stage_ab, NULL);
  pthread_create(&threads[1], NULL, stage_bc, NULL);
  pthread_create(&threads[2], NULL, stage_ca, NULL);
  for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
  return 0;
}
