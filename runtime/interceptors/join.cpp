// issue #4: pthread_join, a wait the hang watchdog sees: a join on a thread
// that waits for its joiner (a lock the joiner holds) is a hang no lock
// cycle shows. Timed and try joins (pthread_timedjoin_np, pthread_tryjoin_np)
// are not intercepted.
#include "interceptors/hook.h"
#include "interceptors/liveness_real.h"
#include "liveness/liveness.h"

using namespace interlock;

namespace {
std::atomic<void *> g_join;
using JoinFn = int (*)(pthread_t, void **);
}  // namespace

INTERLOCK_EXPORT int pthread_join(pthread_t thread, void **result) {
  auto real_join = liveness_real<JoinFn>(g_join, "pthread_join");
  ThreadState *t = hook_thread();
  if (!t) return real_join(thread, result);
  {
    RuntimeScope scope(t);
    uint32_t target = liveness_tid_of_pthread(static_cast<unsigned long>(thread));
    liveness_wait_begin(t, WaitKind::kJoin, reinterpret_cast<const void *>(thread), target, __builtin_frame_address(0));
  }
  int rc = real_join(thread, result);
  {
    RuntimeScope scope(t);
    liveness_wait_end(t);
  }
  return rc;
}
