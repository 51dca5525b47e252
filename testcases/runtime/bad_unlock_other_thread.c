// The main thread unlocks a mutex that a worker thread holds. The report
// names both the bad unlock and the worker's acquisition. For a normal
// glibc mutex the unlock really releases it, so afterwards nobody holds it:
// the worker then finishes without unlocking, and that must not be reported
// as a lock held at thread exit.
#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>

static pthread_mutex_t job_lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t job_taken, job_stolen;
static int jobs;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&job_lock);  // EXPECT: bad-unlock; NOT: lock-held-at-exit
  jobs++;
  sem_post(&job_taken);
  sem_wait(&job_stolen);
  return NULL;
}

int main(void) {
  pthread_t thread;
  sem_init(&job_taken, 0, 0);
  sem_init(&job_stolen, 0, 0);
  pthread_create(&thread, NULL, worker, NULL);
  sem_wait(&job_taken);
  pthread_mutex_unlock(&job_lock);  // EXPECT: bad-unlock
  sem_post(&job_stolen);
  pthread_join(thread, NULL);
  return 0;
}
