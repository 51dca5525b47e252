// A real ABBA deadlock: each thread holds its first mutex and waits until
// the other holds its own before asking for the second, so both block for
// ever. The runtime must see the wait-for cycle (it records the wish to lock
// before blocking), report a `deadlock`, and with halt_on_error=1 end the
// process with the configured exit code instead of leaving it hanging.
// The same four lines also form a lock-order inversion; the runtime may
// report that as well (MAY), but the `deadlock` result is required.
// RUN-OPTIONS: halt_on_error=1
// EXPECT-EXIT: 66
#include <pthread.h>
#include <stddef.h>

#include <semaphore.h>

static pthread_mutex_t inbox_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outbox_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t inbox_held, outbox_held;

static void *mover_in_to_out(void *arg) {
  (void)arg;
  pthread_mutex_lock(&inbox_lock);  // EXPECT: deadlock; MAY: lock-order-inversion
  sem_post(&inbox_held);
  sem_wait(&outbox_held);
  pthread_mutex_lock(&outbox_lock);  // EXPECT: deadlock; MAY: lock-order-inversion
  pthread_mutex_unlock(&outbox_lock);
  pthread_mutex_unlock(&inbox_lock);
  return NULL;
}

static void *mover_out_to_in(void *arg) {
  (void)arg;
  pthread_mutex_lock(&outbox_lock);  // EXPECT: deadlock; MAY: lock-order-inversion
  sem_post(&outbox_held);
  sem_wait(&inbox_held);
  pthread_mutex_lock(&inbox_lock);  // EXPECT: deadlock; MAY: lock-order-inversion
  pthread_mutex_unlock(&inbox_lock);
  pthread_mutex_unlock(&outbox_lock);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  sem_init(&inbox_held, 0, 0);
  sem_init(&outbox_held, 0, 0);
  pthread_create(&one, NULL, mover_in_to_out, NULL);
  pthread_create(&two, NULL, mover_out_to_in, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
