// Negative: a single thread takes lock_a -> lock_b, and later lock_b ->
// lock_a. One thread cannot deadlock with itself this way, and reporting such
// cycles is the false positive users complain about most (TSan #488, #814).
// The runtime's documented choice (docs/runtime.md, option
// single_thread_cycles, default 0): cycles whose edges all come from one
// thread are not reported by default; with single_thread_cycles=1 they are
// reported at level "note", which never changes the exit status (see
// single_thread_cycle_note.c).
#include <pthread.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int value;

int main(void) {
  pthread_mutex_lock(&lock_a);  // NOT: lock-order-inversion
  pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
  value++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_lock(&lock_b);  // NOT: lock-order-inversion
  pthread_mutex_lock(&lock_a);  // NOT: lock-order-inversion
  value++;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return value == 2 ? 0 : 1;
}
