// issue #4: the sequences the liveness interceptors (semaphores, barriers)
// share: an init that re-arms an object, a use checked against a destroy, a
// blocking call the hang watchdog sees, and a destroy checked for waiters.
// The CallSite is always taken by the exported interceptor itself
// (INTERLOCK_CALL_SITE() there), so `site.frame` is the interceptor's frame
// and the watchdog walks the waiting stack from the user's call.
#pragma once
#include <cerrno>
#include <cstdint>

#include "interceptors/hook.h"
#include "liveness/liveness.h"

namespace interlock {

// After a real init: a successful init ends the object's "destroyed" state,
// so later uses are no longer reported as use-after-destroy.
inline void note_liveness_init(int rc, const void *object) {
  if (rc == 0 && hook_thread()) liveness_object_created(object);
}

// Reports `operation` on an object destroyed and not re-initialised
// (`invalid-mutex`). Keeps errno: the hook runs before the real call.
inline void check_liveness_use(ThreadState *t, WaitKind kind, const void *object, const char *operation,
                               const CallSite &site) {
  int saved_errno = errno;
  RuntimeScope scope(t);
  liveness_check_use(t, kind, object, operation, site);
  errno = saved_errno;
}

// Runs the real blocking call `block` as a wait the hang watchdog and the
// starvation monitor see. Returns what `block` returns, with the errno it
// left (the bookkeeping after it must not overwrite a sem_wait's EINTR).
template <typename Block>
int run_watched_wait(ThreadState *t, WaitKind kind, const void *object, const CallSite &site, Block block,
                     uint32_t target_tid = 0) {
  int saved_errno = errno;
  {
    RuntimeScope scope(t);
    liveness_wait_begin(t, kind, object, target_tid, site.frame);
  }
  errno = saved_errno;
  int rc = block();
  int block_errno = errno;
  {
    RuntimeScope scope(t);
    liveness_wait_end(t);
  }
  errno = block_errno;
  return rc;
}

// Runs the real destroy `destroy`: reports a destroy while threads wait
// (`destroy-locked`) before it, and marks the object destroyed once the
// real call succeeded (a failed destroy leaves the object usable).
template <typename Destroy>
int run_checked_destroy(WaitKind kind, const void *object, const CallSite &site, Destroy destroy) {
  ThreadState *t = hook_thread();
  if (!t) return destroy();
  {
    RuntimeScope scope(t);
    liveness_check_destroy(t, kind, object, site);
  }
  int rc = destroy();
  if (rc == 0) {
    RuntimeScope scope(t);
    liveness_object_destroyed(t, object, site);
  }
  return rc;
}

}  // namespace interlock
