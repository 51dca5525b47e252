// A single thread takes lock_a -> lock_b, and later lock_b -> lock_a. With
// one thread there is no interleaving that deadlocks in THIS program, but the
// order is inconsistent and a second thread running either path would make
// it real. Runtime's documented choice: see the RUNTIME-CHOICE note below.
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
