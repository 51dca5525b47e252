// Negative: try-lock back-off that works. Two threads move items between
// two accounts in opposite lock orders, the second lock only tried; on
// failure a thread releases, sleeps a random few microseconds and retries.
// Failures happen, but every streak ends with the lock acquired: no livelock.
#include <pthread.h>
#include <stdlib.h>

#include "elapsed.h"

static pthread_mutex_t checking = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t savings = PTHREAD_MUTEX_INITIALIZER;
static long balance[2] = {100000, 100000};

struct side {
  pthread_mutex_t *first, *second;
  int from, seed;
};

static void *mover(void *arg) {
  struct side *s = arg;
  unsigned seed = (unsigned)s->seed;
  for (int done = 0; done < 3000;) {
    pthread_mutex_lock(s->first);  // NOT: livelock
    if (pthread_mutex_trylock(s->second) == 0) {  // NOT: livelock
      balance[s->from]--;
      balance[1 - s->from]++;
      done++;
      pthread_mutex_unlock(s->second);
      pthread_mutex_unlock(s->first);
      continue;
    }
    pthread_mutex_unlock(s->first);
    sleep_us(rand_r(&seed) % 50);  // randomised back-off breaks the lockstep
  }
  return NULL;
}

int main(void) {
  struct side one = {&checking, &savings, 0, 1}, two = {&savings, &checking, 1, 2};
  pthread_t a, b;
  pthread_create(&a, NULL, mover, &one);
  pthread_create(&b, NULL, mover, &two);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return balance[0] + balance[1] == 200000 ? 0 : 1;
}
