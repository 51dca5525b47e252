// Linked (not preloaded) against the installed libinterlock: an ABBA.
#include <interlock/interlock.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

static pthread_mutex_t left = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t right = PTHREAD_MUTEX_INITIALIZER;
static sem_t turn;

static void *first(void *arg) {
  (void)arg;
  pthread_mutex_lock(&left);
  pthread_mutex_lock(&right);
  pthread_mutex_unlock(&right);
  pthread_mutex_unlock(&left);
  sem_post(&turn);
  return 0;
}

static void *second(void *arg) {
  (void)arg;
  sem_wait(&turn);
  pthread_mutex_lock(&right);
  pthread_mutex_lock(&left);
  pthread_mutex_unlock(&left);
  pthread_mutex_unlock(&right);
  return 0;
}

int main(void) {
  pthread_t a, b;
  sem_init(&turn, 0, 0);
  pthread_create(&a, 0, first, 0);
  pthread_create(&b, 0, second, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  printf("findings: %d\n", interlock_finding_count ? interlock_finding_count() : -1);
  return 0;
}
