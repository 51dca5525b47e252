// issue #4: POSIX semaphores. A sem_wait that would block (sem_trywait fails
// first) is a wait the hang watchdog sees. Misuse reported: sem_destroy
// while threads wait (`destroy-locked`; glibc destroys nothing and returns
// 0, the waiters sleep on dead memory) and any use after sem_destroy until
// the next sem_init (`invalid-mutex`). Semaphores add no lock-order edges:
// any thread may post.
#include <cerrno>
#include <semaphore.h>

#include "interceptors/hook.h"
#include "interceptors/next_symbol.h"
#include "interceptors/wait_hooks.h"

using namespace interlock;

namespace {
std::atomic<void *> g_sem_init, g_sem_wait, g_sem_trywait, g_sem_timedwait, g_sem_clockwait, g_sem_post,
    g_sem_destroy;
using InitFn = int (*)(sem_t *, int, unsigned);
using SemFn = int (*)(sem_t *);
using TimedFn = int (*)(sem_t *, const struct timespec *);
using ClockFn = int (*)(sem_t *, clockid_t, const struct timespec *);

// Use-after-destroy check for the non-blocking calls.
void check_use(sem_t *sem, const char *operation, const CallSite &site) {
  if (ThreadState *t = hook_thread()) check_liveness_use(t, WaitKind::kSemaphore, sem, operation, site);
}

// The shared sequence of the waits: try first; only a wait that blocks is
// tracked. A failed try must not leak its EAGAIN into a successful wait.
template <typename Block>
int sem_wait_common(sem_t *sem, const char *operation, const CallSite &site, Block block) {
  ThreadState *t = hook_thread();
  if (!t) return block();
  check_liveness_use(t, WaitKind::kSemaphore, sem, operation, site);
  int saved_errno = errno;
  auto trywait = next_symbol<SemFn>(g_sem_trywait, "sem_trywait");
  if (trywait && trywait(sem) == 0) return 0;
  errno = saved_errno;
  return run_watched_wait(t, WaitKind::kSemaphore, sem, site, block);
}
}  // namespace

INTERLOCK_EXPORT int sem_init(sem_t *sem, int shared, unsigned value) {
  int rc = next_symbol<InitFn>(g_sem_init, "sem_init")(sem, shared, value);
  note_liveness_init(rc, sem);
  return rc;
}

INTERLOCK_EXPORT int sem_wait(sem_t *sem) {
  auto real_wait = next_symbol<SemFn>(g_sem_wait, "sem_wait");
  return sem_wait_common(sem, "sem_wait", INTERLOCK_CALL_SITE(), [&] { return real_wait(sem); });
}

INTERLOCK_EXPORT int sem_timedwait(sem_t *sem, const struct timespec *deadline) {
  auto real_wait = next_symbol<TimedFn>(g_sem_timedwait, "sem_timedwait");
  return sem_wait_common(sem, "sem_timedwait", INTERLOCK_CALL_SITE(), [&] { return real_wait(sem, deadline); });
}

INTERLOCK_EXPORT int sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *deadline) {
  auto real_wait = next_symbol<ClockFn>(g_sem_clockwait, "sem_clockwait");
  return sem_wait_common(sem, "sem_clockwait", INTERLOCK_CALL_SITE(),
                         [&] { return real_wait(sem, clock, deadline); });
}

INTERLOCK_EXPORT int sem_trywait(sem_t *sem) {
  check_use(sem, "sem_trywait", INTERLOCK_CALL_SITE());
  return next_symbol<SemFn>(g_sem_trywait, "sem_trywait")(sem);
}

INTERLOCK_EXPORT int sem_post(sem_t *sem) {
  check_use(sem, "sem_post", INTERLOCK_CALL_SITE());
  return next_symbol<SemFn>(g_sem_post, "sem_post")(sem);
}

INTERLOCK_EXPORT int sem_destroy(sem_t *sem) {
  auto real_destroy = next_symbol<SemFn>(g_sem_destroy, "sem_destroy");
  return run_checked_destroy(WaitKind::kSemaphore, sem, INTERLOCK_CALL_SITE(), [&] { return real_destroy(sem); });
}
