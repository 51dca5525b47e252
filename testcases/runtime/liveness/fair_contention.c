// Negative: heavy but fair contention. Eight threads, one mutex, 20000
// operations each in the test suite; the full-size case of issue #4 (8
// threads x 1M operations) is the same program run by hand:
//   LD_PRELOAD=.../libinterlock.so ./fair_contention 1000000
// Waits are short and everybody gets in: no starvation, no livelock (default
// thresholds). Odd threads try-lock first, so failed try-locks happen too.
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdlib.h>

#define THREADS 8

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter, ops = 20000;

static void *worker(void *arg) {
  long id = (long)arg;
  for (long i = 0; i < ops; i++) {
    if (id % 2 && pthread_mutex_trylock(&counter_lock) == 0) {  // NOT: livelock, starvation
      counter++;
      pthread_mutex_unlock(&counter_lock);
      continue;
    }
    pthread_mutex_lock(&counter_lock);  // NOT: starvation
    counter++;
    pthread_mutex_unlock(&counter_lock);
  }
  return NULL;
}

int main(int argc, char **argv) {
  pthread_t t[THREADS];
  if (argc > 1) ops = atol(argv[1]);
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  return counter == THREADS * ops ? 0 : 1;
}
