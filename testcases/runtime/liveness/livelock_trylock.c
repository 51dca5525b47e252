// Positive: a real livelock. Two "polite" threads each hold one lock and
// try-lock the other; on failure they back off (release theirs) and retry.
// The barriers keep them in the lockstep that makes such livelocks persist:
// every try happens while the other thread holds the lock, so neither ever
// gets both locks. The program gives up after 1.5 s (bounded), having made
// no transfer at all. Default thresholds (1000 failures, 500 ms).
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t right = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold, both_tried, both_released, decided;
static volatile int stop;
static int transfers;

struct side {
  pthread_mutex_t *mine, *other;
};

static void *polite(void *arg) {
  struct side *s = arg;
  for (;;) {
    pthread_mutex_lock(s->mine);  // EXPECT: livelock
    pthread_barrier_wait(&both_hold);
    int got = pthread_mutex_trylock(s->other) == 0;  // EXPECT: livelock
    pthread_barrier_wait(&both_tried);
    if (got) {
      transfers++;
      pthread_mutex_unlock(s->other);
    }
    pthread_mutex_unlock(s->mine);  // back off, then retry
    if (pthread_barrier_wait(&both_released) == PTHREAD_BARRIER_SERIAL_THREAD) stop = elapsed_seconds() > 1.5;
    pthread_barrier_wait(&decided);
    if (stop) break;
  }
  return NULL;
}

int main(void) {
  struct side one = {&left, &right}, two = {&right, &left};
  pthread_t a, b;
  elapsed_seconds();
  pthread_barrier_init(&both_hold, NULL, 2);
  pthread_barrier_init(&both_tried, NULL, 2);
  pthread_barrier_init(&both_released, NULL, 2);
  pthread_barrier_init(&decided, NULL, 2);
  pthread_create(&a, NULL, polite, &one);
  pthread_create(&b, NULL, polite, &two);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return transfers;
}
