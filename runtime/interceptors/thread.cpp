// pthread_create: numbers threads in creation order (T0 is the main thread)
// and makes the new thread's state exist before its first lock.
#include <dlfcn.h>

#include "common/internal_alloc.h"
#include "interceptors/hook.h"

using namespace interlock;

namespace {

struct StartArgs {
  void *(*routine)(void *);
  void *arg;
  uint32_t tid;
};

void *thread_trampoline(void *raw) {
  StartArgs args = *static_cast<StartArgs *>(raw);
  internal_free(raw);
  set_pending_tid(args.tid);
  if (ThreadState *t = current_thread()) on_thread_start(t);
  return args.routine(args.arg);
}

}  // namespace

INTERLOCK_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*routine)(void *), void *arg) {
  if (!ensure_real_functions()) return EAGAIN;
  if (!hook_thread()) return real.create(thread, attr, routine, arg);
  auto *args = static_cast<StartArgs *>(internal_alloc(sizeof(StartArgs)));
  args->routine = routine;
  args->arg = arg;
  args->tid = reserve_tid();
  int rc = real.create(thread, attr, thread_trampoline, args);
  if (rc != 0) internal_free(args);
  return rc;
}

// dlopen adds code the stack walker must know about.
INTERLOCK_EXPORT void *dlopen(const char *file, int mode) {
  static void *(*real_dlopen)(const char *, int);
  if (!real_dlopen) real_dlopen = reinterpret_cast<void *(*)(const char *, int)>(dlsym(RTLD_NEXT, "dlopen"));
  if (!real_dlopen) return nullptr;
  void *handle = real_dlopen(file, mode);
  if (handle && hook_thread()) refresh_code_ranges();
  return handle;
}

// dlclose may unmap code whose addresses the stack walker validated.
INTERLOCK_EXPORT int dlclose(void *handle) {
  static int (*real_dlclose)(void *);
  if (!real_dlclose) real_dlclose = reinterpret_cast<int (*)(void *)>(dlsym(RTLD_NEXT, "dlclose"));
  if (!real_dlclose) return -1;
  int rc = real_dlclose(handle);
  if (rc == 0 && hook_thread()) forget_code_ranges();
  return rc;
}
