// pthread_spin_*: no spare field inside a spin lock, so identity is by
// address and re-born by pthread_spin_init.
#include "interceptors/hook.h"

using namespace interlock;

INTERLOCK_EXPORT int pthread_spin_init(pthread_spinlock_t *spin, int pshared) {
  if (!ensure_real_functions()) return 0;
  int rc = real.spin_init(spin, pshared);
  if (rc == 0 && hook_thread()) on_init(const_cast<const int *>(spin));
  return rc;
}

INTERLOCK_EXPORT int pthread_spin_destroy(pthread_spinlock_t *spin) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.spin_destroy(spin) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_plain(const_cast<const int *>(spin), LockKind::kSpinLock);
  on_before_destroy(t, lock, site);
  int rc = real.spin_destroy(spin);
  if (rc == 0) on_destroyed(t, lock, site);
  return rc;
}

INTERLOCK_EXPORT int pthread_spin_lock(pthread_spinlock_t *spin) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.spin_lock(spin) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_plain(const_cast<const int *>(spin), LockKind::kSpinLock);
  return run_acquire(
      t, lock, 0, site, [&] { return real.spin_trylock(spin); }, [&] { return real.spin_lock(spin); });
}

INTERLOCK_EXPORT int pthread_spin_trylock(pthread_spinlock_t *spin) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.spin_trylock(spin) : 0;
  CallSite site = INTERLOCK_CALL_SITE();
  LockState *lock = lookup_plain(const_cast<const int *>(spin), LockKind::kSpinLock);
  return run_acquire(
      t, lock, kAcquireTry, site, [&] { return real.spin_trylock(spin); }, [] { return EBUSY; });
}

INTERLOCK_EXPORT int pthread_spin_unlock(pthread_spinlock_t *spin) {
  ThreadState *t = hook_thread();
  if (!t) return ensure_real_functions() ? real.spin_unlock(spin) : 0;
  if (__builtin_expect(try_fast_release(t, const_cast<const int *>(spin), nullptr), 1)) return real.spin_unlock(spin);
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *lock = lookup_plain(const_cast<const int *>(spin), LockKind::kSpinLock);
  if (!on_before_release(t, lock, false, site)) return EPERM;
  int rc = real.spin_unlock(spin);
  on_released(t, lock, false);
  return rc;
}
