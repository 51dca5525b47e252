// pthread_create: numbers threads in creation order (T0 is the main thread)
// and makes the new thread's state exist before its first lock.
#include <dlfcn.h>
#include <sched.h>

#include <atomic>

#include "common/clock.h"
#include "common/internal_alloc.h"
#include "interceptors/hook.h"

using namespace interlock;

namespace {

// The hand-over of the new thread's stack bounds. The creator moves
// pending -> publishing before it looks at the thread, the thread moves
// pending -> abandoned when it stops waiting: exactly one of them wins, so
// the creator never inspects a thread that may already have run and exited
// (a detached thread's descriptor is freed at exit).
enum : int { kBoundsPending, kBoundsPublishing, kBoundsSet, kBoundsUnknown, kBoundsAbandoned };

// Shared by the creator and the new thread; the last of the two to let go
// frees it (the new thread may stop waiting before the creator is done).
struct StartArgs {
  void *(*routine)(void *);
  void *arg;
  uint32_t tid;
  std::atomic<int> bounds_state{kBoundsPending};
  uintptr_t stack_lo = 0, stack_hi = 0;
  std::atomic<int> refs{2};
};

void release_args(StartArgs *args) {
  if (args->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) internal_free(args);
}

// The creator, right after the thread exists: its stack bounds, found here
// because pthread_getattr_np allocates (realloc) and the new thread must not
// call the allocator before the program's own start routine ran. Under a
// ThreadSanitizer-built program the start routine is TSan's, and TSan's
// malloc crashes in a thread TSan has not started yet.
void publish_stack_bounds(StartArgs *args, pthread_t thread) {
  int expected = kBoundsPending;
  if (!args->bounds_state.compare_exchange_strong(expected, kBoundsPublishing, std::memory_order_acq_rel)) {
    release_args(args);  // the thread stopped waiting: it may be gone already
    return;
  }
  pthread_attr_t attr;
  void *base = nullptr;
  size_t size = 0;
  int state = kBoundsUnknown;
  if (pthread_getattr_np(thread, &attr) == 0) {
    if (pthread_attr_getstack(&attr, &base, &size) == 0 && base && size) state = kBoundsSet;
    pthread_attr_destroy(&attr);
  }
  args->stack_lo = reinterpret_cast<uintptr_t>(base);
  args->stack_hi = args->stack_lo + size;
  args->bounds_state.store(state, std::memory_order_release);
  release_args(args);
}

// The new thread: wait (normally microseconds) for the creator's bounds. A
// creator that never gets there (a signal handler that longjmps out of
// pthread_create) costs this thread one second, not a hang; its state is then
// made at its first lock, as for threads the runtime did not create.
bool wait_for_stack_bounds(StartArgs *args) {
  uint64_t deadline = 0;
  for (uint32_t spins = 0;; ++spins) {
    int state = args->bounds_state.load(std::memory_order_acquire);
    if (state == kBoundsSet || state == kBoundsUnknown) return state == kBoundsSet;
    if (spins < 64) continue;
    if (state == kBoundsPending) {  // the creator has not started: give up after a second
      uint64_t now = monotonic_ns();
      if (!deadline) deadline = now + 1000000000u;
      if (now > deadline && args->bounds_state.compare_exchange_strong(state, kBoundsAbandoned,
                                                                        std::memory_order_acq_rel))
        return false;
    }
    sched_yield();  // publishing: the creator is inside pthread_getattr_np, moments away
  }
}

void *thread_trampoline(void *raw) {
  auto *args = static_cast<StartArgs *>(raw);
  void *(*routine)(void *) = args->routine;
  void *arg = args->arg;
  set_pending_tid(args->tid);
  bool bounds_known = wait_for_stack_bounds(args);
  if (bounds_known) set_pending_stack_bounds(args->stack_lo, args->stack_hi);
  release_args(args);
  // Without known bounds, making the state here would call the allocator
  // (see publish_stack_bounds): leave it to the first hook.
  if (bounds_known)
    if (ThreadState *t = current_thread()) on_thread_start(t);
  return routine(arg);
}

}  // namespace

INTERLOCK_EXPORT int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*routine)(void *), void *arg) {
  if (!ensure_real_functions()) return EAGAIN;
  if (!hook_thread()) return real.create(thread, attr, routine, arg);
  auto *args = internal_new<StartArgs>();
  args->routine = routine;
  args->arg = arg;
  args->tid = reserve_tid();
  int rc = real.create(thread, attr, thread_trampoline, args);
  if (rc != 0) {
    internal_free(args);
    return rc;
  }
  publish_stack_bounds(args, *thread);
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
