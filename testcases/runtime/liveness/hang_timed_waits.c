// Negative: threads that wait often but never for long are not hung. A
// consumer polls a queue with 100 ms timed condition waits and a producer
// posts a semaphore every 50 ms; main joins both. With a 1 s watchdog, no
// single wait lasts that long until the 1.5 s run ends.
// RUN-OPTIONS: hang_timeout_ms=1000
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_changed = PTHREAD_COND_INITIALIZER;
static sem_t ticks;
static int items;

static void *consumer(void *arg) {
  (void)arg;
  pthread_mutex_lock(&queue_lock);
  while (elapsed_seconds() < 1.5) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_nsec += 100000000L;
    deadline.tv_sec += deadline.tv_nsec / 1000000000L;
    deadline.tv_nsec %= 1000000000L;
    pthread_cond_timedwait(&queue_changed, &queue_lock, &deadline);  // NOT: hang
    if (items > 0) items--;
  }
  pthread_mutex_unlock(&queue_lock);
  return NULL;
}

static void *producer(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 1.5) {
    sem_wait(&ticks);  // NOT: hang
    pthread_mutex_lock(&queue_lock);
    items++;
    pthread_cond_signal(&queue_changed);
    pthread_mutex_unlock(&queue_lock);
  }
  return NULL;
}

static void *ticker(void *arg) {
  (void)arg;
  while (elapsed_seconds() < 1.6) {
    sleep_us(50000);
    sem_post(&ticks);
  }
  sem_post(&ticks);
  return NULL;
}

int main(void) {
  pthread_t c, p, t;
  elapsed_seconds();
  sem_init(&ticks, 0, 0);
  pthread_create(&c, NULL, consumer, NULL);
  pthread_create(&p, NULL, producer, NULL);
  pthread_create(&t, NULL, ticker, NULL);
  pthread_join(c, NULL);  // NOT: hang
  pthread_join(p, NULL);
  pthread_join(t, NULL);
  return 0;
}
