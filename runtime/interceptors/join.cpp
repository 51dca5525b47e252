// issue #4: pthread_join, a wait the hang watchdog sees: a join on a thread
// that waits for its joiner (a lock the joiner holds) is a hang no lock
// cycle shows. Timed and try joins (pthread_timedjoin_np, pthread_tryjoin_np)
// are not intercepted.
#include "interceptors/next_symbol.h"
#include "interceptors/wait_hooks.h"

using namespace interlock;

namespace {
std::atomic<void *> g_join;
using JoinFn = int (*)(pthread_t, void **);
}  // namespace

INTERLOCK_EXPORT int pthread_join(pthread_t thread, void **result) {
  auto real_join = next_symbol<JoinFn>(g_join, "pthread_join");
  ThreadState *t = hook_thread();
  if (!t) return real_join(thread, result);
  uint32_t target;
  {
    RuntimeScope scope(t);
    target = liveness_tid_of_pthread(static_cast<unsigned long>(thread));
  }
  return run_watched_wait(t, WaitKind::kJoin, reinterpret_cast<const void *>(thread), INTERLOCK_CALL_SITE(),
                          [&] { return real_join(thread, result); }, target);
}
