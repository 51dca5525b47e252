// Positive (misuse): a semaphore posted after sem_destroy, and a barrier
// waited on after pthread_barrier_destroy (glibc lets both "work": the
// objects are dead memory). A re-initialised semaphore is fine again.
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

static sem_t slots;
static pthread_barrier_t phase;

int main(void) {
  sem_init(&slots, 0, 1);
  sem_wait(&slots);  // NOT: invalid-mutex
  sem_destroy(&slots);  // EXPECT: invalid-mutex
  sem_post(&slots);  // EXPECT: invalid-mutex
  sem_init(&slots, 0, 0);
  sem_post(&slots);  // NOT: invalid-mutex
  sem_wait(&slots);  // NOT: invalid-mutex
  sem_destroy(&slots);  // NOT: invalid-mutex

  pthread_barrier_init(&phase, NULL, 1);
  pthread_barrier_wait(&phase);  // NOT: invalid-mutex
  pthread_barrier_destroy(&phase);  // EXPECT: invalid-mutex
  pthread_barrier_wait(&phase);  // EXPECT: invalid-mutex
  return 0;
}
