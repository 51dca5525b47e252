// issue #4: pthread barriers. Every pthread_barrier_wait is a wait the hang
// watchdog sees (a barrier that never fills is a classic hang);
// pthread_barrier_destroy while threads wait is reported (glibc returns
// EBUSY only for waits still in progress it can see).
#include <cerrno>

#include "interceptors/hook.h"
#include "interceptors/liveness_real.h"
#include "liveness/liveness.h"

using namespace interlock;

namespace {
std::atomic<void *> g_barrier_wait, g_barrier_destroy;
using BarrierFn = int (*)(pthread_barrier_t *);
}  // namespace

INTERLOCK_EXPORT int pthread_barrier_wait(pthread_barrier_t *barrier) {
  auto real_wait = liveness_real<BarrierFn>(g_barrier_wait, "pthread_barrier_wait");
  ThreadState *t = hook_thread();
  if (!t) return real_wait(barrier);
  {
    RuntimeScope scope(t);
    liveness_wait_begin(t, WaitKind::kBarrier, barrier, 0, __builtin_frame_address(0));
  }
  int rc = real_wait(barrier);
  {
    RuntimeScope scope(t);
    liveness_wait_end(t);
  }
  return rc;
}

INTERLOCK_EXPORT int pthread_barrier_destroy(pthread_barrier_t *barrier) {
  auto real_destroy = liveness_real<BarrierFn>(g_barrier_destroy, "pthread_barrier_destroy");
  if (ThreadState *t = hook_thread()) {
    CallSite site = INTERLOCK_CALL_SITE();
    RuntimeScope scope(t);
    liveness_check_destroy(t, WaitKind::kBarrier, barrier, site);
  }
  return real_destroy(barrier);
}
