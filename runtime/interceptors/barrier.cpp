// issue #4: pthread barriers. Every pthread_barrier_wait is a wait the hang
// watchdog sees (a barrier that never fills is a classic hang). Misuse
// reported: pthread_barrier_destroy while threads wait (`destroy-locked`)
// and a wait after the destroy, until the next init (`invalid-mutex`).
#include "interceptors/hook.h"
#include "interceptors/next_symbol.h"
#include "interceptors/wait_hooks.h"

using namespace interlock;

namespace {
std::atomic<void *> g_barrier_init, g_barrier_wait, g_barrier_destroy;
using InitFn = int (*)(pthread_barrier_t *, const pthread_barrierattr_t *, unsigned);
using BarrierFn = int (*)(pthread_barrier_t *);
}  // namespace

INTERLOCK_EXPORT int pthread_barrier_init(pthread_barrier_t *barrier, const pthread_barrierattr_t *attr,
                                          unsigned count) {
  int rc = next_symbol<InitFn>(g_barrier_init, "pthread_barrier_init")(barrier, attr, count);
  note_liveness_init(rc, barrier);
  return rc;
}

INTERLOCK_EXPORT int pthread_barrier_wait(pthread_barrier_t *barrier) {
  auto real_wait = next_symbol<BarrierFn>(g_barrier_wait, "pthread_barrier_wait");
  ThreadState *t = hook_thread();
  if (!t) return real_wait(barrier);
  CallSite site = INTERLOCK_CALL_SITE();
  check_liveness_use(t, WaitKind::kBarrier, barrier, "pthread_barrier_wait", site);
  return run_watched_wait(t, WaitKind::kBarrier, barrier, site, [&] { return real_wait(barrier); });
}

INTERLOCK_EXPORT int pthread_barrier_destroy(pthread_barrier_t *barrier) {
  auto real_destroy = next_symbol<BarrierFn>(g_barrier_destroy, "pthread_barrier_destroy");
  return run_checked_destroy(WaitKind::kBarrier, barrier, INTERLOCK_CALL_SITE(),
                             [&] { return real_destroy(barrier); });
}
