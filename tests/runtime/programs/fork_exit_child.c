// A worker holds a lock while the main thread forks; the child exits with
// exit(), which runs the runtime's exit checks in the child. The worker does
// not exist in the child, so no lock-held-at-exit may be reported there, and
// the child's status must stay 0.
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t held_by_worker = PTHREAD_MUTEX_INITIALIZER;
static sem_t holding, release;

static void *worker(void *arg) {
  (void)arg;
  pthread_mutex_lock(&held_by_worker);
  sem_post(&holding);
  sem_wait(&release);
  pthread_mutex_unlock(&held_by_worker);
  return NULL;
}

int main(void) {
  pthread_t thread;
  sem_init(&holding, 0, 0);
  sem_init(&release, 0, 0);
  pthread_create(&thread, NULL, worker, NULL);
  sem_wait(&holding);
  pid_t child = fork();
  if (child == 0) exit(0);
  int status = 0;
  waitpid(child, &status, 0);
  sem_post(&release);
  pthread_join(thread, NULL);
  printf("child status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
