/* pthread_create with an argument: the thread and its creator both write
 * through the same struct before the join. */
#include <pthread.h>

struct job {
  long sum;
  int done;
};

static void *job_worker(void *arg) {
  struct job *j = arg;
  j->sum += 1;                                          /* RACE */
  return 0;
}

void pthread_arg_scenario(void) {
  struct job j = {0, 0};
  pthread_t worker;
  j.done = 0;                                           /* NORACE: before create */
  pthread_create(&worker, 0, job_worker, &j);
  j.sum += 2;                                           /* RACE */
  pthread_join(worker, 0);
  j.done = 1;                                           /* NORACE: after join */
}
