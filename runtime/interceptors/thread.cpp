// pthread_create: numbers threads in creation order (T0 is the main thread)
// and makes the new thread's state exist before its first lock.
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
