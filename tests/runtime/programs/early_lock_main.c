// Runs after early_lock_lib.c's constructor locked under the runtime before
// its own constructor: the program must run normally, and the runtime must
// still work (an ABBA between two threads, one after the other, is reported).
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>

extern int early_lock_registered;
static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t turn;

static void *forward(void *arg) {
  (void)arg;
  pthread_mutex_lock(&first_lock);
  pthread_mutex_lock(&second_lock);
  pthread_mutex_unlock(&second_lock);
  pthread_mutex_unlock(&first_lock);
  sem_post(&turn);
  return NULL;
}

static void *backward(void *arg) {
  (void)arg;
  sem_wait(&turn);
  pthread_mutex_lock(&second_lock);
  pthread_mutex_lock(&first_lock);
  pthread_mutex_unlock(&first_lock);
  pthread_mutex_unlock(&second_lock);
  return NULL;
}

int main(void) {
  pthread_t a, b;
  sem_init(&turn, 0, 0);
  pthread_create(&a, NULL, forward, NULL);
  pthread_create(&b, NULL, backward, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  printf("library constructor ran: %d\n", early_lock_registered);
  return 0;
}
