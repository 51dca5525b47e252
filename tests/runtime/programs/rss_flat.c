/* Peak RSS under the runtime must not grow with work that keeps nothing alive:
 *   pairs    uncontended lock+unlock pairs (and nested pairs, a known edge):
 *            2M, then 20M more
 *   threads  short threads, 8 at a time, each locking a mutex of its own and
 *            a shared one (a new lock identity and a new edge per thread):
 *            5000, then 6000 more
 * The peak (VmHWM) after the second phase may exceed the one after the first
 * by at most a small tolerance; prints "rss flat" and exits 0, or prints the
 * numbers and exits 1. Exits 8 when the runtime is not loaded (the test would
 * measure nothing).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t shared = PTHREAD_MUTEX_INITIALIZER;
static volatile long counter;

static long peak_rss_kib(void) {
  FILE *status = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  if (!status) return -1;
  while (fgets(line, sizeof line, status))
    if (strncmp(line, "VmHWM:", 6) == 0) kib = atol(line + 6);
  fclose(status);
  return kib;
}

static void run_pairs(long pairs) {
  for (long i = 0; i < pairs; i++) {
    pthread_mutex_lock(&lock_a);
    counter++;
    pthread_mutex_unlock(&lock_a);
    if ((i & 3) == 0) {  /* a quarter of them nested: the known edge a -> b */
      pthread_mutex_lock(&lock_a);
      pthread_mutex_lock(&lock_b);
      counter++;
      pthread_mutex_unlock(&lock_b);
      pthread_mutex_unlock(&lock_a);
    }
  }
}

static void *short_thread(void *arg) {
  pthread_mutex_t own = PTHREAD_MUTEX_INITIALIZER;
  (void)arg;
  pthread_mutex_lock(&own);
  pthread_mutex_lock(&shared);
  counter++;
  pthread_mutex_unlock(&shared);
  pthread_mutex_unlock(&own);
  return NULL;
}

static void run_threads(long total) {
  for (long started = 0; started < total; started += 8) {
    pthread_t batch[8];
    for (int i = 0; i < 8; i++) pthread_create(&batch[i], NULL, short_thread, NULL);
    for (int i = 0; i < 8; i++) pthread_join(batch[i], NULL);
  }
}

int main(int argc, char **argv) {
  const char *preload = getenv("LD_PRELOAD");
  if (!preload || !strstr(preload, "libinterlock")) {
    printf("runtime not preloaded\n");
    return 8;
  }
  int threads = argc > 1 && strcmp(argv[1], "threads") == 0;
  long tolerance_kib = threads ? 384 : 256;
  if (threads) run_threads(5000);
  else run_pairs(2000000);
  long before = peak_rss_kib();
  if (threads) run_threads(6000);
  else run_pairs(20000000);
  long after = peak_rss_kib();
  printf("peak RSS %ld KiB after the first phase, %ld KiB after the second (tolerance %ld KiB)\n", before, after,
         tolerance_kib);
  if (before <= 0 || after - before > tolerance_kib) {
    printf("rss grew\n");
    return 1;
  }
  printf("rss flat\n");
  return 0;
}
