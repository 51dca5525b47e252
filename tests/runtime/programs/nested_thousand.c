// A thousand locks held at once by one thread, in a consistent order, by
// two threads in turn: no finding, and no capacity error.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define LOCKS 1000
static pthread_mutex_t locks[LOCKS];

static void *take_all(void *arg) {
  (void)arg;
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < LOCKS; i++) pthread_mutex_lock(&locks[i]);
    for (int i = LOCKS - 1; i >= 0; i--) pthread_mutex_unlock(&locks[i]);
  }
  return NULL;
}

int main(void) {
  for (int i = 0; i < LOCKS; i++) pthread_mutex_init(&locks[i], NULL);
  for (int t = 0; t < 2; t++) {
    pthread_t thread;
    pthread_create(&thread, NULL, take_all, NULL);
    pthread_join(thread, NULL);
  }
  puts("done");
  return 0;
}
