// Negative: stack address reuse. A thread locks two mutexes that live in its
// stack frame (initialised statically, no pthread_mutex_init/destroy), first
// then second, and exits. glibc gives its cached stack to the next thread,
// whose identical frame puts two new mutexes at the same addresses and locks
// them second then first. Those mutexes never coexisted: no deadlock.
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

struct mutex_pair {
  pthread_mutex_t first;
  pthread_mutex_t second;
};

static const void *seen_first[2];
static int data;

static __attribute__((noinline)) void lock_both(pthread_mutex_t *outer, pthread_mutex_t *inner) {
  pthread_mutex_lock(outer);  // NOT: lock-order-inversion
  pthread_mutex_lock(inner);  // NOT: lock-order-inversion
  data++;
  pthread_mutex_unlock(inner);
  pthread_mutex_unlock(outer);
}

static void *use_local_pair(void *arg) {
  intptr_t run = (intptr_t)arg;
  struct mutex_pair pair = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER};
  seen_first[run] = &pair.first;
  if (run == 0)
    lock_both(&pair.first, &pair.second);
  else
    lock_both(&pair.second, &pair.first);
  return NULL;
}

int main(void) {
  for (intptr_t run = 0; run < 2; run++) {
    pthread_t thread;
    pthread_create(&thread, NULL, use_local_pair, (void *)run);
    pthread_join(thread, NULL);
  }
  printf("stack slot reused: %s\n", seen_first[0] == seen_first[1] ? "yes" : "no");
  return 0;
}
