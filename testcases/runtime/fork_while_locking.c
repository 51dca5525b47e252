// Negative / robustness: fork() while two other threads keep locking (new
// edges, new and destroyed mutexes), so the runtime's own state is likely in
// use at the moment of the fork. Every child must be able to lock and to exit
// normally (no deadlock inside the runtime), writing its own report
// (sarif=...%p...), and nothing is reported: the chain is always taken in
// order, and a lock a parent thread held at the fork is not the child's.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHAIN 6
#define FORKS 6

static pthread_mutex_t chain[CHAIN] = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                       PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
                                       PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
static pthread_mutex_t child_outer = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t child_inner = PTHREAD_MUTEX_INITIALIZER;
static int stop;
static long rounds[2];

static void *keep_locking(void *arg) {
  intptr_t me = (intptr_t)arg;
  while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE)) {
    for (int i = 0; i + 1 < CHAIN; i++) {
      pthread_mutex_lock(&chain[i]);  // NOT: lock-order-inversion, lock-held-at-exit
      pthread_mutex_lock(&chain[i + 1]);  // NOT: lock-order-inversion, lock-held-at-exit
      pthread_mutex_unlock(&chain[i + 1]);
      pthread_mutex_unlock(&chain[i]);
    }
    pthread_mutex_t *fresh = malloc(sizeof *fresh);
    pthread_mutex_init(fresh, NULL);
    pthread_mutex_lock(fresh);  // NOT: lock-held-at-exit
    pthread_mutex_unlock(fresh);
    pthread_mutex_destroy(fresh);
    free(fresh);
    rounds[me]++;
  }
  return NULL;
}

static void child_work(void) {
  pthread_mutex_lock(&child_outer);  // NOT: lock-held-at-exit
  pthread_mutex_lock(&child_inner);  // NOT: lock-held-at-exit
  pthread_mutex_unlock(&child_inner);
  pthread_mutex_unlock(&child_outer);
  exit(0);
}

int main(void) {
  pthread_t workers[2];
  for (intptr_t i = 0; i < 2; i++) pthread_create(&workers[i], NULL, keep_locking, (void *)i);
  int failures = 0;
  for (int n = 0; n < FORKS; n++) {
    usleep(2000);
    pid_t child = fork();
    if (child == 0) child_work();
    int status = 0;
    if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      fprintf(stderr, "fork %d: child failed (status 0x%x)\n", n, status);
      failures++;
    }
  }
  __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < 2; i++) pthread_join(workers[i], NULL);
  return failures == 0 ? 0 : 1;
}
