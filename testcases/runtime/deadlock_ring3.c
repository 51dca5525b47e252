// A real three-way deadlock: each of three threads holds its own mutex and
// then asks for the next thread's, once all three hold theirs. The wait-for
// cycle has length three; halt_on_error=1 ends the process with exit 66.
// The cycle is also a lock-order inversion, which may be reported too.
// RUN-OPTIONS: halt_on_error=1
// EXPECT-EXIT: 66
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <stddef.h>

static pthread_mutex_t stage_lock[3] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                        PTHREAD_MUTEX_INITIALIZER};
static sem_t all_hold;
static int handoffs;

static void wait_until_all_hold(void) {
  sem_post(&all_hold);
  for (;;) {
    int value = 0;
    sem_getvalue(&all_hold, &value);
    if (value >= 3) return;
    sched_yield();
  }
}

static void *stage(void *arg) {
  intptr_t me = (intptr_t)arg;
  pthread_mutex_lock(&stage_lock[me]);  // EXPECT: deadlock; MAY: lock-order-inversion
  wait_until_all_hold();
  pthread_mutex_lock(&stage_lock[(me + 1) % 3]);  // EXPECT: deadlock; MAY: lock-order-inversion
  handoffs++;
  pthread_mutex_unlock(&stage_lock[(me + 1) % 3]);
  pthread_mutex_unlock(&stage_lock[me]);
  return NULL;
}

int main(void) {
  pthread_t threads[3];
  sem_init(&all_hold, 0, 0);
  for (intptr_t i = 0; i < 3; i++) pthread_create(&threads[i], NULL, stage, (void *)i);
  for (int i = 0; i < 3; i++) pthread_join(threads[i], NULL);
  return 0;
}
