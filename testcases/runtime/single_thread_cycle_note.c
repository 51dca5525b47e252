// The single-thread cycle of single_thread_cycle.c, run with
// single_thread_cycles=1: the runtime then reports it, at level "note"
// (a cycle all of whose edges came from one thread), and a note does not
// change the exit status.
// RUN-OPTIONS: single_thread_cycles=1
// EXPECT-EXIT: 0
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int value;

int main(void) {
  pthread_mutex_lock(&lock_a);  // EXPECT-NOTE: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // EXPECT-NOTE: lock-order-inversion
  value++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_lock(&lock_b);  // EXPECT-NOTE: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // EXPECT-NOTE: lock-order-inversion
  value++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return value == 2 ? 0 : 1;
}
