// fork() while another thread holds and churns locks: the child uses locks
// too and must neither hang nor crash inside the runtime.
#include <pthread.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t busy = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t other = PTHREAD_MUTEX_INITIALIZER;
static volatile int stop;

static void *churn(void *arg) {
  (void)arg;
  while (!stop) {
    pthread_mutex_lock(&busy);
    pthread_mutex_lock(&other);
    pthread_mutex_unlock(&other);
    pthread_mutex_unlock(&busy);
  }
  return NULL;
}

int main(void) {
  pthread_t thread;
  pthread_create(&thread, NULL, churn, NULL);
  for (int i = 0; i < 20; i++) {
    pid_t child = fork();
    if (child == 0) {
      static pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
      pthread_mutex_lock(&fresh);
      pthread_mutex_unlock(&fresh);
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return 1;
  }
  stop = 1;
  pthread_join(thread, NULL);
  puts("forks ok");
  return 0;
}
