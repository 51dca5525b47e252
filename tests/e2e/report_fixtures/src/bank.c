/* Source the hand-written SARIF fixtures point into (never compiled). */
#include <pthread.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_x = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_y = PTHREAD_MUTEX_INITIALIZER;
int balance;

void take_ab(void) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
}

void take_ba(void) {
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
}

void take_xy(void) {
  pthread_mutex_lock(&lock_x);
  pthread_mutex_lock(&lock_y);
  pthread_mutex_unlock(&lock_y);
  pthread_mutex_unlock(&lock_x);
}

void take_yx(void) {
  pthread_mutex_lock(&lock_y);
  pthread_mutex_lock(&lock_x);
  pthread_mutex_unlock(&lock_x);
  pthread_mutex_unlock(&lock_y);
}

void deposit(int amount) {
  balance += amount;
}

int read_balance(void) {
  return balance;
}
