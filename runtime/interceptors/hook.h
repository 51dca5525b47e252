// Shared plumbing of the interceptors: whether a hook may run, and the
// generic acquire sequence (trylock first, wait-for work only if contended).
#pragma once
#include <atomic>
#include <cerrno>

#include "core/events.h"
#include "interceptors/real_functions.h"
#include "report/finding.h"

#define INTERLOCK_EXPORT extern "C" __attribute__((visibility("default")))

namespace interlock {

bool ensure_runtime_initialized();
extern std::atomic<bool> g_runtime_ready;

// The calling thread, or null when the hook must pass straight through: the
// runtime is not initialised yet (or is initialising), or the call comes
// from inside the runtime itself.
inline ThreadState *hook_thread() {
  if (__builtin_expect(!g_runtime_ready.load(std::memory_order_acquire), 0) && !ensure_runtime_initialized())
    return nullptr;
  ThreadState *t = current_thread();
  if (!t || t->in_runtime) return nullptr;
  return t;
}

inline bool acquired_ok(int rc) { return rc == 0 || rc == EOWNERDEAD; }

// Runs one acquisition through the events. `try_once` is the real trylock,
// `block` the real blocking (or timed) call.
template <typename TryOnce, typename Block>
int run_acquire(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, TryOnce try_once, Block block) {
  RuntimeScope scope(t);
  DeferInversionHalt defer;  // halt_on_error: let a real deadlock be reported first
  int refuse = 0;
  if (on_before_acquire(t, lock, flags, site, &refuse) == AcquireVerdict::kRefuse) return refuse;
  bool contended = false;
  int rc = try_once();
  if (rc == EBUSY && !(flags & kAcquireTry)) {
    contended = true;
    on_contended(t, lock, flags, site);
    rc = block();
  }
  if (acquired_ok(rc)) on_acquired(t, lock, flags, site, contended);
  else on_acquire_failed(t, lock, flags, rc, contended);
  return rc;
}

}  // namespace interlock
