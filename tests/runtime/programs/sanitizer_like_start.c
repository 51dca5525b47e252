// A program built like a ThreadSanitizer one (clang -fsanitize=thread links
// its runtime statically into the executable): the executable itself defines
// pthread_create, which wraps the start routine with its own, and an
// allocator that only works in threads whose start routine has run. Under
// LD_PRELOAD the executable's pthread_create calls libinterlock's, so the
// runtime's trampoline runs in the new thread *before* the program's wrapper.
// The runtime used to call pthread_getattr_np there, which calls realloc:
// with TSan that crashed (SEGV in TSan's allocator, then a hang). Here the
// allocator reports it and the test fails.
//
// The threads then take two locks in opposite orders: the runtime must still
// see every lock of those threads (one lock-order-inversion).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void *__libc_malloc(size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_calloc(size_t, size_t);

static __thread int t_started;  // set by the program's start wrapper
static int g_main_ready;         // main() has begun: the main thread counts as started

static void check_started(const char *what) {
  if (!g_main_ready || t_started) return;
  static const char message[] = "allocator called before the program's thread start: ";
  write(2, message, sizeof(message) - 1);
  write(2, what, strlen(what));
  write(2, "\n", 1);
  _exit(3);
}

void *malloc(size_t size) {
  check_started("malloc");
  return __libc_malloc(size);
}
void *realloc(void *old, size_t size) {
  check_started("realloc");
  return __libc_realloc(old, size);
}
void *calloc(size_t count, size_t size) {
  check_started("calloc");
  return __libc_calloc(count, size);
}

struct start {
  void *(*routine)(void *);
  void *arg;
};

static void *program_start(void *raw) {
  struct start start = *(struct start *)raw;
  t_started = 1;  // from here on this thread may allocate
  free(raw);
  return start.routine(start.arg);
}

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*routine)(void *), void *arg) {
  static create_fn next;
  if (!next) next = (create_fn)dlsym(RTLD_NEXT, "pthread_create");
  struct start *start = malloc(sizeof *start);
  start->routine = routine;
  start->arg = arg;
  return next(thread, attr, program_start, start);
}

static pthread_mutex_t first_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t second_lock = PTHREAD_MUTEX_INITIALIZER;

static void *forward(void *unused) {
  (void)unused;
  pthread_mutex_lock(&first_lock);
  pthread_mutex_lock(&second_lock);
  pthread_mutex_unlock(&second_lock);
  pthread_mutex_unlock(&first_lock);
  return NULL;
}

static void *backward(void *unused) {
  (void)unused;
  pthread_mutex_lock(&second_lock);
  pthread_mutex_lock(&first_lock);
  pthread_mutex_unlock(&first_lock);
  pthread_mutex_unlock(&second_lock);
  return NULL;
}

int main(void) {
  t_started = 1;
  g_main_ready = 1;
  for (int round = 0; round < 20; ++round) {
    pthread_t a, b;
    pthread_create(&a, NULL, round ? forward : backward, NULL);
    pthread_join(a, NULL);
    pthread_create(&b, NULL, forward, NULL);
    pthread_join(b, NULL);
  }
  printf("threads ok\n");
  return 0;
}
