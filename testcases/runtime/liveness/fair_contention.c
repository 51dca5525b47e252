// Negative: heavy but fair contention. Eight threads, one mutex, 20000
// increments each (the full-size "8 threads x 1M" variant is a benchmark:
// bench/runtime). Waits are short and everybody gets in: no starvation, no
// livelock (default thresholds). Also exercises try-locks that sometimes fail.
#include <pthread.h>
#include <sched.h>
#include <stddef.h>

#define THREADS 8
#define OPS 20000

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;

static void *worker(void *arg) {
  long id = (long)arg;
  for (int i = 0; i < OPS; i++) {
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

int main(void) {
  pthread_t t[THREADS];
  for (long i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, (void *)i);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  return counter == (long)THREADS * OPS ? 0 : 1;
}
