// pthread_rwlock_*: std::shared_mutex and std::shared_timed_mutex use these.
#include "interceptors/hook.h"

using namespace interlock;

namespace {

template <typename Try, typename Block>
int rw_acquire(pthread_rwlock_t *rwlock, unsigned flags, const CallSite &site, Try try_once, Block block) {
  ThreadState *t = hook_thread();
  if (!t) return block();
  LockState *lock = lookup_rwlock(rwlock);
  return run_acquire(t, lock, flags, site, try_once, block);
}

}  // namespace

INTERLOCK_EXPORT int pthread_rwlock_init(pthread_rwlock_t *rwlock, const pthread_rwlockattr_t *attr) {
  if (!ensure_real_functions()) return 0;
  int rc = real.rwlock_init(rwlock, attr);
  if (rc == 0 && hook_thread()) on_init(rwlock);
  return rc;
}

INTERLOCK_EXPORT int pthread_rwlock_destroy(pthread_rwlock_t *rwlock) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.rwlock_destroy(rwlock) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_rwlock(rwlock);
  on_before_destroy(t, lock, site);
  int rc = real.rwlock_destroy(rwlock);
  if (rc == 0) on_destroyed(t, lock, site);
  return rc;
}

INTERLOCK_EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *rwlock) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireRead, INTERLOCK_CALL_SITE(), [&] { return real.rwlock_tryrdlock(rwlock); },
                    [&] { return real.rwlock_rdlock(rwlock); });
}

INTERLOCK_EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *rwlock) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireRead | kAcquireTry, INTERLOCK_CALL_SITE(),
                    [&] { return real.rwlock_tryrdlock(rwlock); }, [&] { return real.rwlock_tryrdlock(rwlock); });
}

INTERLOCK_EXPORT int pthread_rwlock_timedrdlock(pthread_rwlock_t *rwlock, const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireRead | kAcquireTimed, INTERLOCK_CALL_SITE(),
                    [&] { return real.rwlock_tryrdlock(rwlock); },
                    [&] { return real.rwlock_timedrdlock(rwlock, deadline); });
}

INTERLOCK_EXPORT int pthread_rwlock_clockrdlock(pthread_rwlock_t *rwlock, clockid_t clock, const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireRead | kAcquireTimed, INTERLOCK_CALL_SITE(),
                    [&] { return real.rwlock_tryrdlock(rwlock); },
                    [&] { return real.rwlock_clockrdlock(rwlock, clock, deadline); });
}

INTERLOCK_EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *rwlock) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, 0, INTERLOCK_CALL_SITE(), [&] { return real.rwlock_trywrlock(rwlock); },
                    [&] { return real.rwlock_wrlock(rwlock); });
}

INTERLOCK_EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *rwlock) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireTry, INTERLOCK_CALL_SITE(), [&] { return real.rwlock_trywrlock(rwlock); },
                    [&] { return real.rwlock_trywrlock(rwlock); });
}

INTERLOCK_EXPORT int pthread_rwlock_timedwrlock(pthread_rwlock_t *rwlock, const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireTimed, INTERLOCK_CALL_SITE(), [&] { return real.rwlock_trywrlock(rwlock); },
                    [&] { return real.rwlock_timedwrlock(rwlock, deadline); });
}

INTERLOCK_EXPORT int pthread_rwlock_clockwrlock(pthread_rwlock_t *rwlock, clockid_t clock, const struct timespec *deadline) {
  if (!ensure_real_functions()) return 0;
  return rw_acquire(rwlock, kAcquireTimed, INTERLOCK_CALL_SITE(), [&] { return real.rwlock_trywrlock(rwlock); },
                    [&] { return real.rwlock_clockwrlock(rwlock, clock, deadline); });
}

INTERLOCK_EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *rwlock) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.rwlock_unlock(rwlock) : 0;
  // The field lookup_rwlock() keeps the identity tag in (see lock_registry.h).
  const auto *tag_field = reinterpret_cast<const uint64_t *>(&rwlock->__data.__pad2);
  if (__builtin_expect(try_fast_release(t, rwlock, tag_field), 1)) return real.rwlock_unlock(rwlock);
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_rwlock(rwlock);
  bool read = holds_for_read(t, lock);
  if (!on_before_release(t, lock, read, site)) return EPERM;
  int rc = real.rwlock_unlock(rwlock);
  on_released(t, lock, read);
  return rc;
}
