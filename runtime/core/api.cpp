// The public C API (include/interlock/interlock.h) on top of the events.
#include "interceptors/hook.h"
#include "interlock/interlock.h"
#include "report/finding.h"

using namespace interlock;

namespace {
LockState *annotated(const void *lock) { return lookup_plain(lock, LockKind::kOther); }
}  // namespace

INTERLOCK_EXPORT void interlock_progress(void) {
  if (ThreadState *t = hook_thread()) notify_progress(t);
}

INTERLOCK_EXPORT int interlock_before_acquire(const void *lock, unsigned flags) {
  ThreadState *t = hook_thread();
  if (!t) return 0;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  int refuse = 0;
  on_before_acquire(t, annotated(lock), flags, site, &refuse);
  return refuse;
}

INTERLOCK_EXPORT void interlock_contended(const void *lock, unsigned flags) {
  ThreadState *t = hook_thread();
  if (!t) return;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  on_contended(t, annotated(lock), flags, site);
}

INTERLOCK_EXPORT void interlock_acquired(const void *lock, unsigned flags) {
  ThreadState *t = hook_thread();
  if (!t) return;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *state = annotated(lock);
  on_acquired(t, state, flags, site, t->waiting_for.load() == state);
}

INTERLOCK_EXPORT void interlock_acquire_failed(const void *lock, unsigned flags) {
  ThreadState *t = hook_thread();
  if (!t) return;
  RuntimeScope scope(t);
  LockState *state = annotated(lock);
  on_acquire_failed(t, state, flags, 0, t->waiting_for.load() == state);
}

INTERLOCK_EXPORT void interlock_released(const void *lock) {
  ThreadState *t = hook_thread();
  if (!t) return;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *state = annotated(lock);
  on_before_release(t, state, holds_for_read(t, state), site);
}

INTERLOCK_EXPORT void interlock_lock_created(const void *lock) {
  if (hook_thread()) on_init(lock);
}

INTERLOCK_EXPORT void interlock_lock_destroyed(const void *lock) {
  ThreadState *t = hook_thread();
  if (!t) return;
  CallSite site = INTERLOCK_CALL_SITE();
  RuntimeScope scope(t);
  LockState *state = annotated(lock);
  on_before_destroy(t, state, site);
  on_destroyed(t, state, site);
}

INTERLOCK_EXPORT int interlock_finding_count(void) { return int(reported_count()); }
