// pthread_cond_timedwait called without holding the mutex (undefined
// behaviour in POSIX). A correct wait with the mutex held follows and must
// stay silent. If the (unheld) wait returned normally, glibc re-locked the
// mutex for us, so we unlock it: the runtime's view must agree.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t queue_ready = PTHREAD_COND_INITIALIZER;

static struct timespec in_ms(long ms) {
  struct timespec when;
  clock_gettime(CLOCK_REALTIME, &when);
  when.tv_nsec += ms * 1000000L;
  when.tv_sec += when.tv_nsec / 1000000000L;
  when.tv_nsec %= 1000000000L;
  return when;
}

int main(void) {
  struct timespec deadline = in_ms(10);
  int rc = pthread_cond_timedwait(&queue_ready, &queue_lock, &deadline);  // EXPECT: cond-wait-unheld
  if (rc == 0 || rc == ETIMEDOUT) pthread_mutex_unlock(&queue_lock);  // NOT: bad-unlock
  pthread_mutex_lock(&queue_lock);
  deadline = in_ms(10);
  int held_rc = pthread_cond_timedwait(&queue_ready, &queue_lock, &deadline);  // NOT: cond-wait-unheld
  pthread_mutex_unlock(&queue_lock);
  printf("unheld wait: %d, held wait: %d\n", rc, held_rc);
  return 0;
}
