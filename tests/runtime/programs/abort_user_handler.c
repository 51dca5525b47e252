/* A lock-order inversion is recorded (two threads, one after the other, take
 * two mutexes in opposite orders), then the program deals with SIGABRT in the
 * way argv[1] names. The runtime keeps its own SIGABRT handler installed, so
 * the SARIF file is complete in every mode, and the program must see exactly
 * what it would see without the runtime:
 *   none             no handler: abort() kills the process with SIGABRT
 *   sigaction-exit   SA_SIGINFO handler writes a marker and _exit(3)s
 *   signal-reraise   signal() handler writes a marker, restores SIG_DFL and
 *                    re-raises: the process dies of SIGABRT
 *   ignore           signal(SIGABRT, SIG_IGN), raise(SIGABRT): the program
 *                    goes on and returns normally
 *   query            queries return the program's own action, never the
 *                    runtime's; SA_RESETHAND is one-shot; then abort()
 * A failed check prints "CHECK FAILED" and exits with 9.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t handler_calls;

static void *forward(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void *backward(void *arg) {
  (void)arg;
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

static void make_inversion(void) {
  pthread_t thread;
  pthread_create(&thread, NULL, forward, NULL);
  pthread_join(thread, NULL);
  pthread_create(&thread, NULL, backward, NULL);
  pthread_join(thread, NULL);
}

static void say(const char *text) { (void)!write(1, text, strlen(text)); }

static void check(int ok, const char *what) {
  if (ok) return;
  printf("CHECK FAILED: %s\n", what);
  fflush(stdout);
  _exit(9);
}

static void exit_handler(int sig, siginfo_t *info, void *context) {
  (void)context;
  if (sig == SIGABRT && info != NULL && info->si_signo == SIGABRT) say("user siginfo handler ran\n");
  _exit(3);
}

static void reraise_handler(int sig) {
  say("user plain handler ran\n");
  signal(sig, SIG_DFL);
  raise(sig);
}

static void counting_handler(int sig) {
  (void)sig;
  handler_calls++;
}

static void run_query(void) {
  struct sigaction old;
  memset(&old, 0, sizeof old);
  check(sigaction(SIGABRT, NULL, &old) == 0, "query succeeds");
  check(old.sa_handler == SIG_DFL, "initial SIGABRT action is SIG_DFL, not the runtime's");
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = counting_handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  check(sigaction(SIGABRT, &action, NULL) == 0, "install succeeds");
  check(sigaction(SIGABRT, NULL, &old) == 0 && old.sa_handler == counting_handler, "query returns the program's handler");
  check((old.sa_flags & SA_RESETHAND) != 0, "query returns the program's flags");
  raise(SIGABRT);
  check(handler_calls == 1, "the program's handler ran once");
  check(sigaction(SIGABRT, NULL, &old) == 0 && old.sa_handler == SIG_DFL, "SA_RESETHAND reset the action to SIG_DFL");
  check(signal(SIGABRT, counting_handler) == SIG_DFL, "signal() returns the previous action");
  check(signal(SIGABRT, SIG_DFL) == counting_handler, "signal() returns the program's handler");
  printf("query ok\n");
  fflush(stdout);
  abort();
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "none";
  make_inversion();
  if (strcmp(mode, "sigaction-exit") == 0) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = exit_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_SIGINFO;
    check(sigaction(SIGABRT, &action, NULL) == 0, "sigaction succeeds");
  } else if (strcmp(mode, "signal-reraise") == 0) {
    check(signal(SIGABRT, reraise_handler) != SIG_ERR, "signal succeeds");
  } else if (strcmp(mode, "ignore") == 0) {
    check(signal(SIGABRT, SIG_IGN) != SIG_ERR, "signal succeeds");
    raise(SIGABRT);
    printf("survived an ignored SIGABRT\n");
    return 0;
  } else if (strcmp(mode, "query") == 0) {
    run_query();
  }
  fflush(stdout);
  abort();
}
