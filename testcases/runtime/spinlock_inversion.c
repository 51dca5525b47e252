// Two pthread spinlocks taken in opposite orders by two threads: the same
// potential deadlock as mutex ABBA (a spinning waiter never gives up).
// EXPECT-STDERR: `ring_(head|tail)` -> .*`ring_(head|tail)`
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_spinlock_t ring_head;
static pthread_spinlock_t ring_tail;
static int slots;

static void *enqueue(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_spin_lock(&ring_head);  // EXPECT: lock-order-inversion
  pthread_spin_lock(&ring_tail);  // EXPECT: lock-order-inversion
  slots++;
  pthread_spin_unlock(&ring_tail);
  pthread_spin_unlock(&ring_head);
  turn_end(0);
  return NULL;
}

static void *dequeue(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_spin_lock(&ring_tail);  // EXPECT: lock-order-inversion
  pthread_spin_lock(&ring_head);  // EXPECT: lock-order-inversion
  slots--;
  pthread_spin_unlock(&ring_head);
  pthread_spin_unlock(&ring_tail);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  pthread_spin_init(&ring_head, PTHREAD_PROCESS_PRIVATE);
  pthread_spin_init(&ring_tail, PTHREAD_PROCESS_PRIVATE);
  turns_init();
  pthread_create(&one, NULL, enqueue, NULL);
  pthread_create(&two, NULL, dequeue, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  pthread_spin_destroy(&ring_head);
  pthread_spin_destroy(&ring_tail);
  return 0;
}
