// pthread_mutex_*: every type (normal, errorcheck, recursive, adaptive) and
// every operation, so libstdc++'s std::mutex, std::recursive_mutex,
// std::timed_mutex and std::recursive_timed_mutex are covered too
// (try_lock_for / try_lock_until call pthread_mutex_clocklock or timedlock).
#include "interceptors/hook.h"

using namespace interlock;

namespace {
// The field lookup_mutex() keeps the identity tag in (see lock_registry.h).
const uint64_t *tag_field_of(const pthread_mutex_t *mutex) {
  return reinterpret_cast<const uint64_t *>(&mutex->__data.__list.__next);
}
}  // namespace

INTERLOCK_EXPORT int pthread_mutex_init(pthread_mutex_t *mutex, const pthread_mutexattr_t *attr) {
  if (!ensure_real_functions()) return 0;
  int rc = real.mutex_init(mutex, attr);
  if (rc == 0 && hook_thread()) on_init(mutex);
  return rc;
}

INTERLOCK_EXPORT int pthread_mutex_destroy(pthread_mutex_t *mutex) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_destroy(mutex) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_mutex(mutex);
  on_before_destroy(t, lock, site);
  int rc = real.mutex_destroy(mutex);
  if (rc == 0) on_destroyed(t, lock, site);
  return rc;
}

INTERLOCK_EXPORT int pthread_mutex_lock(pthread_mutex_t *mutex) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_lock(mutex) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_mutex(mutex);
  return run_acquire(
      t, lock, 0, site, [&] { return real.mutex_trylock(mutex); }, [&] { return real.mutex_lock(mutex); });
}

INTERLOCK_EXPORT int pthread_mutex_trylock(pthread_mutex_t *mutex) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_trylock(mutex) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_mutex(mutex);
  return run_acquire(
      t, lock, kAcquireTry, site, [&] { return real.mutex_trylock(mutex); }, [] { return EBUSY; });
}

INTERLOCK_EXPORT int pthread_mutex_timedlock(pthread_mutex_t *mutex, const struct timespec *deadline) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_timedlock(mutex, deadline) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_mutex(mutex);
  return run_acquire(
      t, lock, kAcquireTimed, site, [&] { return real.mutex_trylock(mutex); },
      [&] { return real.mutex_timedlock(mutex, deadline); });
}

INTERLOCK_EXPORT int pthread_mutex_clocklock(pthread_mutex_t *mutex, clockid_t clock, const struct timespec *deadline) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_clocklock(mutex, clock, deadline) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_mutex(mutex);
  return run_acquire(
      t, lock, kAcquireTimed, site, [&] { return real.mutex_trylock(mutex); },
      [&] { return real.mutex_clocklock(mutex, clock, deadline); });
}

INTERLOCK_EXPORT int pthread_mutex_unlock(pthread_mutex_t *mutex) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.mutex_unlock(mutex) : 0;
  if (__builtin_expect(try_fast_release(t, mutex, tag_field_of(mutex)), 1)) return real.mutex_unlock(mutex);
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_mutex(mutex);
  if (!on_before_release(t, lock, false, site)) return EPERM;
  int rc = real.mutex_unlock(mutex);
  on_released(t, lock, false);
  return rc;
}
