// Lock states of destroyed mutexes are recycled after a quarantine
// (docs/runtime.md, "Lock identity"). Modes:
//   consistent N        N rounds: two new heap mutexes (never freed: every
//                       round is at new addresses), locked first -> second,
//                       destroyed; one thread does the first half, another
//                       the second (a cycle of one thread's edges alone is
//                       not reported). Consistent: nothing to report,
//                       although the new pairs land in recycled states in
//                       swapped order (the free list is newest first).
//   inverted N          the same N rounds, then two threads take one more
//                       new pair in opposite orders: a real inversion.
//   use_after_destroy K a mutex is destroyed, K other mutexes are created,
//                       used and destroyed, then the first one is locked.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t *new_mutex(void) {
  pthread_mutex_t *mutex = malloc(sizeof *mutex);
  if (!mutex || pthread_mutex_init(mutex, NULL) != 0) abort();
  return mutex;
}

static void lock_pair(pthread_mutex_t *first, pthread_mutex_t *second) {
  pthread_mutex_lock(first);
  pthread_mutex_lock(second);
  pthread_mutex_unlock(second);
  pthread_mutex_unlock(first);
}

static long g_rounds;

static void *consistent_half(void *arg) {
  (void)arg;
  for (long i = 0; i < g_rounds / 2; i++) {
    pthread_mutex_t *first = new_mutex();
    pthread_mutex_t *second = new_mutex();
    lock_pair(first, second);
    pthread_mutex_destroy(first);
    pthread_mutex_destroy(second);
  }
  return NULL;
}

static void run_thread(void *(*body)(void *)) {
  pthread_t thread;
  pthread_create(&thread, NULL, body, NULL);
  pthread_join(thread, NULL);
}

static void consistent_rounds(long rounds) {
  g_rounds = rounds;
  run_thread(consistent_half);
  run_thread(consistent_half);
}

static pthread_mutex_t *g_a, *g_b;

static void *forward(void *arg) {
  (void)arg;
  lock_pair(g_a, g_b);
  return NULL;
}

static void *backward(void *arg) {
  (void)arg;
  lock_pair(g_b, g_a);
  return NULL;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s consistent|inverted|use_after_destroy COUNT\n", argv[0]);
    return 2;
  }
  long count = atol(argv[2]);
  if (strcmp(argv[1], "consistent") == 0) {
    consistent_rounds(count);
    printf("rounds %ld\n", count);
    return 0;
  }
  if (strcmp(argv[1], "inverted") == 0) {
    consistent_rounds(count);
    g_a = new_mutex();
    g_b = new_mutex();
    run_thread(forward);
    run_thread(backward);
    printf("rounds %ld\n", count);
    return 0;
  }
  if (strcmp(argv[1], "use_after_destroy") == 0) {
    pthread_mutex_t *victim = new_mutex();
    pthread_mutex_lock(victim);
    pthread_mutex_unlock(victim);
    pthread_mutex_destroy(victim);
    for (long i = 0; i < count; i++) {
      pthread_mutex_t *other = new_mutex();
      pthread_mutex_lock(other);
      pthread_mutex_unlock(other);
      pthread_mutex_destroy(other);
    }
    int rc = pthread_mutex_lock(victim);
    printf("lock after destroy: %d\n", rc);
    return 0;
  }
  fprintf(stderr, "unknown mode %s\n", argv[1]);
  return 2;
}
