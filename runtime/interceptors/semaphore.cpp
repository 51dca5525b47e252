// issue #4: POSIX semaphores. A sem_wait that would block (sem_trywait fails
// first) is a wait the hang watchdog sees; sem_destroy while threads wait
// is reported (glibc destroys nothing and returns 0: the waiters may hang or
// wake on freed memory). Posts add nothing: semaphores add no lock-order
// edges (any thread may post).
#include <cerrno>
#include <semaphore.h>

#include "interceptors/hook.h"
#include "interceptors/liveness_real.h"
#include "liveness/liveness.h"

using namespace interlock;

namespace {
std::atomic<void *> g_sem_wait, g_sem_trywait, g_sem_timedwait, g_sem_clockwait, g_sem_destroy;
using WaitFn = int (*)(sem_t *);
using TimedFn = int (*)(sem_t *, const struct timespec *);
using ClockFn = int (*)(sem_t *, clockid_t, const struct timespec *);

// The shared sequence: try first; only a wait that blocks is tracked.
template <typename Block>
int sem_wait_common(sem_t *sem, void *frame, Block block) {
  ThreadState *t = hook_thread();
  if (!t) return block();
  auto trywait = liveness_real<WaitFn>(g_sem_trywait, "sem_trywait");
  int saved_errno = errno;
  if (trywait && trywait(sem) == 0) return 0;
  errno = saved_errno;
  {
    RuntimeScope scope(t);
    liveness_wait_begin(t, WaitKind::kSemaphore, sem, 0, frame);
  }
  int rc = block();
  int block_errno = errno;
  {
    RuntimeScope scope(t);
    liveness_wait_end(t);
  }
  errno = block_errno;
  return rc;
}
}  // namespace

INTERLOCK_EXPORT int sem_wait(sem_t *sem) {
  auto real_wait = liveness_real<WaitFn>(g_sem_wait, "sem_wait");
  return sem_wait_common(sem, __builtin_frame_address(0), [&] { return real_wait(sem); });
}

INTERLOCK_EXPORT int sem_timedwait(sem_t *sem, const struct timespec *deadline) {
  auto real_wait = liveness_real<TimedFn>(g_sem_timedwait, "sem_timedwait");
  return sem_wait_common(sem, __builtin_frame_address(0), [&] { return real_wait(sem, deadline); });
}

INTERLOCK_EXPORT int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *deadline) {
  auto real_wait = liveness_real<ClockFn>(g_sem_clockwait, "sem_clockwait");
  return sem_wait_common(sem, __builtin_frame_address(0), [&] { return real_wait(sem, clock, deadline); });
}

INTERLOCK_EXPORT int sem_destroy(sem_t *sem) {
  auto real_destroy = liveness_real<WaitFn>(g_sem_destroy, "sem_destroy");
  if (ThreadState *t = hook_thread()) {
    CallSite site = INTERLOCK_CALL_SITE();
    RuntimeScope scope(t);
    liveness_check_destroy(t, WaitKind::kSemaphore, sem, site);
  }
  return real_destroy(sem);
}
