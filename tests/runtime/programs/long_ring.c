// A lock-order cycle through 64 locks and 64 threads (thread i takes lock i
// then lock i+1, the last one closes the ring), taken in turns.
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>

#define RING 64
static pthread_mutex_t ring[RING];
static sem_t done[RING];

static void *link_step(void *arg) {
  int i = (int)(intptr_t)arg;
  if (i > 0) sem_wait(&done[i - 1]);
  pthread_mutex_lock(&ring[i]);
  pthread_mutex_lock(&ring[(i + 1) % RING]);
  pthread_mutex_unlock(&ring[(i + 1) % RING]);
  pthread_mutex_unlock(&ring[i]);
  sem_post(&done[i]);
  return 0;
}

int main(void) {
  pthread_t threads[RING];
  for (int i = 0; i < RING; i++) {
    pthread_mutex_init(&ring[i], 0);
    sem_init(&done[i], 0, 0);
  }
  for (int i = 0; i < RING; i++) pthread_create(&threads[i], 0, link_step, (void *)(intptr_t)i);
  for (int i = 0; i < RING; i++) pthread_join(threads[i], 0);
  return 0;
}
