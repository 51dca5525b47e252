/* Two threads take lock_a and lock_b in opposite orders: a potential deadlock
 * both halves of Interlock see. Run without arguments, the first thread is
 * joined before the second starts, so this run never hangs, yet the runtime
 * records both orders from two threads. With 100 or more arguments the
 * threads overlap and the program can really deadlock, which is what the
 * static analysis reports. */
#include <pthread.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int balance;

static void *deposit_a_then_b(void *arg) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  balance++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return arg;
}

static void *withdraw_b_then_a(void *arg) {
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  balance--;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return arg;
}

int main(int argc, char **argv) {
  pthread_t one, two;
  (void)argv;
  int overlap = argc >= 100;
  pthread_create(&one, NULL, deposit_a_then_b, NULL);
  if (!overlap)
    pthread_join(one, NULL);
  pthread_create(&two, NULL, withdraw_b_then_a, NULL);
  if (overlap)
    pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
