// The event interface between interceptors and detectors.
//
// Interceptors (runtime/interceptors/*.cpp) translate each pthread call into
// the events below and nothing else; detectors (lock-order graph, wait-for
// deadlock detector, misuse checks, and later livelock / starvation / hang /
// contention detectors) react to events. Order for one blocking acquisition:
//
//   on_before_acquire(lock, flags)   -> may refuse (self-deadlock): return code
//   [real trylock]                   -> success: on_acquired
//   on_contended(lock, flags)        -> records "T waits for L", wait-for check
//   [real blocking / timed call]
//   on_acquired(lock, flags)  or  on_acquire_failed(lock, flags, error)
//
// try-locks: on_before_acquire, [real trylock], on_acquired or
// on_acquire_failed(EBUSY). Releases: on_before_release (misuse checks;
// returns false when the release must not reach the real function) then
// on_released. Condition variables: on_cond_wait_begin (releases the mutex
// in the model), on_cond_wait_end (re-acquires it). Lifetime: on_init,
// on_destroy. Threads: on_thread_start, on_thread_exit.
//
// Observers (issue #4 detectors) subscribe with add_observer() and see the
// contended / failed / wait events only: those are off the fast path.
#pragma once
#include <cstdint>
#include <ctime>

#include "core/lock_registry.h"
#include "core/thread_state.h"

namespace interlock {

enum AcquireFlags : unsigned {
  kAcquireTry = 1,      // trylock: never blocks
  kAcquireTimed = 2,    // timedlock / clocklock: blocks at most until a deadline
  kAcquireRead = 4,     // shared (reader) acquisition
};

// The held-entry flags an acquisition starts with (kHeldEdgeInto is added
// by whoever recorded an edge into it).
inline uint8_t held_flags_for(unsigned flags) {
  return uint8_t(((flags & (kAcquireTry | kAcquireTimed)) ? kHeldTry : 0) | ((flags & kAcquireRead) ? kHeldRead : 0));
}

// Where the user called the lock function: the interceptor's own frame and
// return address (both from __builtin_*_address(0) inside the interceptor).
struct CallSite {
  void *frame;
  void *return_pc;
};
#define INTERLOCK_CALL_SITE() (::interlock::CallSite{__builtin_frame_address(0), __builtin_return_address(0)})

// What on_before_acquire decided.
enum class AcquireVerdict { kProceed, kRefuse };

AcquireVerdict on_before_acquire(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, int *refuse_errno);
// The repeat case of a nested acquisition (see run_acquire): true when the
// thread holds locks but every edge this acquisition would make is known with
// nothing new (no gate set, thread or read mode to add), or none is made (a
// try / timed lock); then `held_flags` gets kHeldEdgeInto as on_acquired
// would set it. Never reports, never writes shared state.
bool nested_acquisition_is_known(ThreadState *t, LockState *lock, unsigned flags, uint8_t *held_flags);
void on_contended(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site);
void on_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, bool was_contended);
void on_acquire_failed(ThreadState *t, LockState *lock, unsigned flags, int error, bool was_contended);
// Returns false when the call must not reach the real unlock.
bool on_before_release(ThreadState *t, LockState *lock, bool read, const CallSite &site);
void on_released(ThreadState *t, LockState *lock, bool read);
// A rwlock unlock does not say which hold it ends: the interceptor asks.
bool holds_for_read(ThreadState *t, LockState *lock);

void on_init(const void *address);
// Returns false when the destroy must not reach the real function.
bool on_before_destroy(ThreadState *t, LockState *lock, const CallSite &site);
void on_destroyed(ThreadState *t, LockState *lock, const CallSite &site);

// Begin: checks the mutex is held (cond-wait-unheld) and bound consistently
// (cond-mutex-mismatch), then releases it in the model, saving the hold in
// `saved`. End: the real wait re-acquired the mutex; the saved hold returns.
bool on_cond_wait_begin(ThreadState *t, const void *cond, LockState *mutex, const CallSite &site, HeldLock *saved);
void on_cond_wait_end(ThreadState *t, const void *cond, LockState *mutex, bool was_held, const HeldLock &saved);
void on_cond_destroy(const void *cond);

void on_thread_start(ThreadState *t);
void on_thread_exit(ThreadState *t);

// Observers for later detectors (livelock, starvation, hang, contention).
struct Observer {
  void (*contended)(ThreadState *t, LockState *lock, unsigned flags) = nullptr;
  void (*acquired_after_contention)(ThreadState *t, LockState *lock, unsigned flags) = nullptr;
  void (*acquire_failed)(ThreadState *t, LockState *lock, unsigned flags, int error) = nullptr;
  void (*cond_wait_begin)(ThreadState *t, const void *cond) = nullptr;
  void (*cond_wait_end)(ThreadState *t, const void *cond) = nullptr;
  void (*progress)(ThreadState *t) = nullptr;
  // issue #4: liveness. Every acquisition of a watched lock
  // (lock->liveness_watch != 0), or every one while g_observe_every_acquisition;
  // every release only while g_observe_every_acquisition (profile=1).
  void (*watched_acquired)(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) = nullptr;
  void (*released)(ThreadState *t, LockState *lock, bool read) = nullptr;
};
// issue #4: liveness. Set once at start-up (profile=1), before any thread runs.
extern bool g_observe_every_acquisition;
// Up to a small fixed number of observers (each one a detector compiled in).
bool add_observer(const Observer &observer);
void notify_progress(ThreadState *t);

}  // namespace interlock
