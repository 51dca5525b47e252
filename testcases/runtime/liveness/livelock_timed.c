// Positive: a livelock of timed locks. Each thread holds its lock and waits
// up to 20 ms for the other's with pthread_mutex_timedlock; both time out,
// release, and retry in lockstep (the barrier), for 1 s. Reported through
// the timed-out attempts (livelock_timeouts, default 20; livelock_ms 500).
#include <errno.h>
#include <pthread.h>
#include <stddef.h>

#include "elapsed.h"

static pthread_mutex_t inbox = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t outbox = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t both_hold, decided;
static volatile int stop;
static int moved;

struct side {
  pthread_mutex_t *mine, *other;
};

static void deadline_in_ms(struct timespec *deadline, long ms) {
  clock_gettime(CLOCK_REALTIME, deadline);
  deadline->tv_nsec += ms * 1000000L;
  deadline->tv_sec += deadline->tv_nsec / 1000000000L;
  deadline->tv_nsec %= 1000000000L;
}

static void *courier(void *arg) {
  struct side *s = arg;
  for (;;) {
    pthread_mutex_lock(s->mine);  // EXPECT: livelock
    pthread_barrier_wait(&both_hold);
    struct timespec deadline;
    deadline_in_ms(&deadline, 20);
    if (pthread_mutex_timedlock(s->other, &deadline) == 0) {  // EXPECT: livelock
      moved++;
      pthread_mutex_unlock(s->other);
    }
    pthread_barrier_wait(&both_hold);  // both timed out before either backs off
    pthread_mutex_unlock(s->mine);
    if (pthread_barrier_wait(&both_hold) == PTHREAD_BARRIER_SERIAL_THREAD) stop = elapsed_seconds() > 1.0;
    pthread_barrier_wait(&decided);
    if (stop) break;
  }
  return NULL;
}

int main(void) {
  struct side one = {&inbox, &outbox}, two = {&outbox, &inbox};
  pthread_t a, b;
  elapsed_seconds();
  pthread_barrier_init(&both_hold, NULL, 2);
  pthread_barrier_init(&decided, NULL, 2);
  pthread_create(&a, NULL, courier, &one);
  pthread_create(&b, NULL, courier, &two);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  return moved;
}
