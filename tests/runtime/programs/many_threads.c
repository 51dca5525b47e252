// Ten thousand threads over the run (eight at a time), each nesting two
// locks in the same order: no finding, no limit hit.
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t inner = PTHREAD_MUTEX_INITIALIZER;
static long total;

static void *work(void *arg) {
  (void)arg;
  pthread_mutex_lock(&outer);
  pthread_mutex_lock(&inner);
  total++;
  pthread_mutex_unlock(&inner);
  pthread_mutex_unlock(&outer);
  return NULL;
}

int main(void) {
  enum { kThreads = 10000, kBatch = 8 };
  for (int started = 0; started < kThreads; started += kBatch) {
    pthread_t batch[kBatch];
    for (int i = 0; i < kBatch; i++) pthread_create(&batch[i], NULL, work, NULL);
    for (int i = 0; i < kBatch; i++) pthread_join(batch[i], NULL);
  }
  printf("total %ld\n", total);
  return total == kThreads ? 0 : 1;
}
