// A process that ends with _exit (lld's "fast exit", a fork()ed child, a
// crash reporter): atexit handlers do not run, so the runtime writes its
// reports from its _exit hook (runtime/interceptors/signal.cpp).
//   fast_exit abba       an ABBA between two threads, then _exit(0): the
//                        finding is reported, the SARIF written, status 66
//   fast_exit _Exit      the same through _Exit(0)
//   fast_exit clean      consistent order, then _exit(5): no finding, status 5
//   fast_exit fork-child an ABBA in the parent, then a fork()ed child that
//                        _exits with 7: the child inherited the parent's finding
//                        but made none, so it exits 7 and writes no SARIF; the
//                        parent prints the child's status and exits normally (66)
//   fast_exit vfork-child the same with vfork() and a failed exec: the child
//                        shares the parent's memory, so its _exit must neither
//                        report nor mark the parent's reports as written
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *forward(void *unused) {
  (void)unused;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void *backward(void *unused) {
  (void)unused;
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

static void run_in_thread(void *(*routine)(void *)) {
  pthread_t thread;
  pthread_create(&thread, NULL, routine, NULL);
  pthread_join(thread, NULL);
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "abba";
  run_in_thread(forward);
  if (!strcmp(mode, "clean")) {
    run_in_thread(forward);
    fflush(stdout);
    _exit(5);
  }
  run_in_thread(backward);
  if (!strcmp(mode, "_Exit")) _Exit(0);
  if (!strcmp(mode, "fork-child")) {
    fflush(stdout);
    pid_t child = fork();
    if (child == 0) _exit(7);
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
  }
  if (!strcmp(mode, "vfork-child")) {
    fflush(stdout);
    pid_t child = vfork();
    if (child == 0) {
      execl("/nonexistent/interlock-test-program", "x", (char *)NULL);
      _exit(127);
    }
    int status = 0;
    waitpid(child, &status, 0);
    printf("child exit %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return 0;
  }
  _exit(0);
}
