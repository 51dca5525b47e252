// pthread_cond_*: std::condition_variable calls these from libstdc++.so;
// std::condition_variable_any waits on its internal std::mutex and relocks
// the user's lock through its lock()/unlock(), both intercepted. The
// symbols are exported unversioned, which satisfies references to the
// default GLIBC_2.3.2 versions; the real ones come from dlvsym.
#include "interceptors/hook.h"

using namespace interlock;

namespace {

template <typename Wait>
int cond_wait_common(pthread_cond_t *cond, pthread_mutex_t *mutex, const CallSite &site, Wait wait) {
  ThreadState *t = hook_thread();
  if (!t) return wait();
  RuntimeScope scope(t);
  LockState *lock = lookup_mutex(mutex);
  HeldLock saved{};
  bool held = on_cond_wait_begin(t, cond, lock, site, &saved);
  int rc = wait();
  on_cond_wait_end(t, cond, lock, held, saved);
  return rc;
}

}  // namespace

INTERLOCK_EXPORT int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr) {
  if (!ensure_real_functions()) return 0;
  int rc = real.cond_init(cond, attr);
  if (rc == 0 && hook_thread()) on_cond_destroy(cond);
  return rc;
}

INTERLOCK_EXPORT int pthread_cond_destroy(pthread_cond_t *cond) {
  if (!ensure_real_functions()) return 0;
  if (hook_thread()) on_cond_destroy(cond);
  return real.cond_destroy(cond);
}

INTERLOCK_EXPORT int pthread_cond_wait(pthread_cond_t *cond, pthread_mutex_t *mutex) {
  if (!ensure_real_functions()) return 0;
  return cond_wait_common(cond, mutex, INTERLOCK_CALL_SITE(), [&] { return real.cond_wait(cond, mutex); });
}

INTERLOCK_EXPORT int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex, const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return cond_wait_common(cond, mutex, INTERLOCK_CALL_SITE(),
                          [&] { return real.cond_timedwait(cond, mutex, deadline); });
}

INTERLOCK_EXPORT int pthread_cond_clockwait(pthread_cond_t *cond, pthread_mutex_t *mutex, clockid_t clock,
                                            const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return cond_wait_common(cond, mutex, INTERLOCK_CALL_SITE(),
                          [&] { return real.cond_clockwait(cond, mutex, clock, deadline); });
}
