// A home-made spin lock told to the runtime through interlock.h, locked in
// opposite orders by two threads: the runtime reports the inversion.
#include <interlock/interlock.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

typedef struct {
  atomic_int held;
} tiny_lock;

static tiny_lock alpha, beta;
static sem_t turn;

static void tiny_acquire(tiny_lock *lock) {
  if (interlock_before_acquire) interlock_before_acquire(lock, 0);
  int expected = 0;
  while (!atomic_compare_exchange_weak(&lock->held, &expected, 1)) expected = 0;
  if (interlock_acquired) interlock_acquired(lock, 0);
}

static void tiny_release(tiny_lock *lock) {
  if (interlock_released) interlock_released(lock);
  atomic_store(&lock->held, 0);
}

static void *one(void *arg) {
  (void)arg;
  tiny_acquire(&alpha);
  tiny_acquire(&beta);
  tiny_release(&beta);
  tiny_release(&alpha);
  sem_post(&turn);
  return 0;
}

static void *two(void *arg) {
  (void)arg;
  sem_wait(&turn);
  tiny_acquire(&beta);
  tiny_acquire(&alpha);
  tiny_release(&alpha);
  tiny_release(&beta);
  return 0;
}

int main(void) {
  pthread_t a, b;
  sem_init(&turn, 0, 0);
  pthread_create(&a, 0, one, 0);
  pthread_create(&b, 0, two, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return interlock_finding_count && interlock_finding_count() == 1 ? 0 : 1;
}
