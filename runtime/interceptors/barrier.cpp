// issue #4: pthread barriers. Every pthread_barrier_wait is a wait the hang
// watchdog sees (a barrier that never fills is a classic hang). Misuse
// reported: pthread_barrier_destroy while threads wait (`destroy-locked`)
// and a wait after the destroy, until the next init (`invalid-mutex`).
#include <cerrno>

#include "interceptors/hook.h"
#include "interceptors/liveness_real.h"
#include "liveness/liveness.h"

using namespace interlock;

namespace {
std::atomic<void *> g_barrier_init, g_barrier_wait, g_barrier_destroy;
using InitFn = int (*)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);
using BarrierFn = int (*)(pthread_barrier_t *);
}  // namespace

INTERLOCK_EXPORT int pthread_barrier_init(pthread_barrier_t *barrier, const pthread_barrierattr_t *attr,
                                          unsigned count) {
  int rc = liveness_real<InitFn>(g_barrier_init, "pthread_barrier_init")(barrier, attr, count);
  if (rc == 0 && hook_thread()) liveness_object_created(barrier);
  return rc;
}

INTERLOCK_EXPORT int pthread_barrier_wait(pthread_barrier_t *barrier) {
  auto real_wait = liveness_real<BarrierFn>(g_barrier_wait, "pthread_barrier_wait");
  ThreadState *t = hook_thread();
  if (!t) return real_wait(barrier);
  CallSite site = INTERLOCK_CALL_SITE();
  {
    RuntimeScope scope(t);
    liveness_check_use(t, WaitKind::kBarrier, barrier, "pthread_barrier_wait", site);
    liveness_wait_begin(t, WaitKind::kBarrier, barrier, 0, site.frame);
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
  ThreadState *t = hook_thread();
  if (!t) return real_destroy(barrier);
  CallSite site = INTERLOCK_CALL_SITE();
  {
    RuntimeScope scope(t);
    liveness_check_destroy(t, WaitKind::kBarrier, barrier, site);
  }
  int rc = real_destroy(barrier);
  if (rc == 0) {
    RuntimeScope scope(t);
    liveness_object_destroyed(t, barrier, site);
  }
  return rc;
}
