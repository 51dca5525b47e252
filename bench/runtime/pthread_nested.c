/* Whole-program workload in C: the pthread API with nested locks.
 * Four threads walk a chain of 16 mutexes hand over hand (lock i+1 while
 * holding i), and every 16th step also read-locks a rwlock inside: a long
 * consistent order, out-of-order unlocks, rwlock reader paths.
 *
 *   interlock_bench_pthread_nested [scale]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define CHAIN 16
#define THREADS 4

static pthread_mutex_t chain[CHAIN];
static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static long visits[CHAIN];
static long table_reads;
static long rounds;

static void *walk(void *arg) {
  (void)arg;
  for (long round = 0; round < rounds; round++) {
    pthread_mutex_lock(&chain[0]);
    for (int i = 1; i < CHAIN; i++) {
      pthread_mutex_lock(&chain[i]);
      pthread_mutex_unlock(&chain[i - 1]);
      visits[i]++;
    }
    if (round % 16 == 0) {
      pthread_rwlock_rdlock(&table_lock);
      __atomic_add_fetch(&table_reads, 1, __ATOMIC_RELAXED);
      pthread_rwlock_unlock(&table_lock);
    }
    pthread_mutex_unlock(&chain[CHAIN - 1]);
  }
  return NULL;
}

int main(int argc, char **argv) {
  double scale = argc > 1 ? atof(argv[1]) : 1.0;
  if (!(scale > 0)) {
    fprintf(stderr, "usage: %s [scale > 0]\n", argv[0]);
    return 2;
  }
  rounds = (long)(200000 * scale) > 0 ? (long)(200000 * scale) : 1;
  for (int i = 0; i < CHAIN; i++) pthread_mutex_init(&chain[i], NULL);
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pthread_t threads[THREADS];
  for (int t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, walk, NULL);
  for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &end);
  for (int i = 0; i < CHAIN; i++) pthread_mutex_destroy(&chain[i]);
  int correct = visits[CHAIN - 1] == THREADS * rounds;
  printf("pthread_nested %.6f s%s\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9,
         correct ? "" : " WRONG RESULT");
  return correct ? 0 : 1;
}
