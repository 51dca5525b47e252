/* Two threads take lock_a and lock_b in opposite orders: a potential deadlock
 * both halves of Interlock see. The threads take turns (worker_two starts its
 * locking only after worker_one is done, through an atomic flag the runtime
 * does not intercept), so the run itself never hangs. */
#include <pthread.h>
#include <sched.h>

pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static int first_done;
static int balance;

static void *worker_one(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  balance++;
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  __atomic_store_n(&first_done, 1, __ATOMIC_RELEASE);
  return NULL;
}

static void *worker_two(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&first_done, __ATOMIC_ACQUIRE))
    sched_yield();
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  balance--;
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  pthread_create(&one, NULL, worker_one, NULL);
  pthread_create(&two, NULL, worker_two, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  return 0;
}
