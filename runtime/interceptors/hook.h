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

// ---------------------------------------------------------------------------
// The fast path (issue #2, item 10). Most acquisitions teach the detectors
// nothing: the thread holds no lock (no edge, no double lock possible), or
// every edge it would make is already known with nothing left to learn
// (lockdep's "repeat case"). When the lock is also "plain" (alive, already
// named, not owned by this thread, not watched by a liveness detector), the
// interceptor tries the real lock and, on success, pushes the held entry
// itself: no event call, no global lock, no allocation. Everything else
// (new edges, contention, failures, misuse) takes the event path below.
inline bool lock_is_plain(const ThreadState *t, const LockState *lock) {
  return !lock->destroyed.load(std::memory_order_relaxed) && lock->has_first_site.load(std::memory_order_relaxed) &&
         lock->liveness_watch.load(std::memory_order_relaxed) == 0 &&
         lock->owner.load(std::memory_order_relaxed) != t->tid && !g_observe_every_acquisition;
}

// Whether the real blocking call may be made without trying first. Trying
// first is how the wait-for detector sees a thread about to block, but it
// costs (glibc's trylock is several times slower than its lock on the
// uncontended path). A thread that holds no lock cannot close a wait-for
// cycle, so when the model also says the lock is free, it calls the real
// lock at once; if another thread takes the lock in between, this thread
// waits unseen by the contention observers (never by the deadlock detector,
// which only needs waits of threads that hold something).
__attribute__((always_inline)) inline bool blocks_nothing_it_holds(const ThreadState *t, const LockState *lock,
                                                                    unsigned flags) {
  // A write acquisition of a rwlock tries first: readers are not counted in
  // the model, and a writer waiting for them is what the starvation detector
  // must see.
  return !(flags & (kAcquireTry | kAcquireTimed)) && held_size(t) == 0 &&
         lock->owner.load(std::memory_order_relaxed) == 0 &&
         ((flags & kAcquireRead) || lock->kind != LockKind::kRwLock);
}

// Whether this acquisition is routine, and the flags of its held entry.
__attribute__((always_inline)) inline bool acquisition_is_routine(ThreadState *t, LockState *lock, unsigned flags,
                                                                   uint8_t *held_flags) {
  *held_flags = held_flags_for(flags);
  if (!lock_is_plain(t, lock)) return false;
  return held_size(t) == 0 || nested_acquisition_is_known(t, lock, flags, held_flags);
}

// After the first real attempt returned `rc` (not an uncontended success):
// contention (wait for the lock, with the wait-for check), or the result of
// a try / failed attempt, through the events.
template <typename Block>
int finish_acquire(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, int rc, Block block) {
  bool contended = false;
  if (rc == EBUSY && !(flags & kAcquireTry)) {
    contended = true;
    on_contended(t, lock, flags, site);
    rc = block();
  }
  if (acquired_ok(rc)) on_acquired(t, lock, flags, site, contended);
  else on_acquire_failed(t, lock, flags, rc, contended);
  return rc;
}

// Runs one acquisition. `try_once` is the real trylock, `block` the real
// blocking (or timed) call: trying first is how contention is seen before
// the thread blocks (the wait-for check runs then).
template <typename TryOnce, typename Block>
int run_acquire(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, TryOnce try_once, Block block) {
  uint8_t held_flags;
  if (__builtin_expect(acquisition_is_routine(t, lock, flags, &held_flags), 1)) {
    // The hold is built before the real lock is taken and published once it
    // is: its site capture may unwind the first time a call site is seen,
    // and unwinding takes the dynamic loader's lock, which must not happen
    // while holding a lock a dlopen constructor could be waiting for.
    begin_hold(t, lock, held_flags, site.frame, site.return_pc);
    int rc = blocks_nothing_it_holds(t, lock, flags) ? block() : try_once();
    if (__builtin_expect(rc == 0, 1)) {
      publish_hold(t, lock, held_flags);
      return 0;
    }
    RuntimeScope scope(t);
    DeferInversionHalt defer;
    t->pending_edge_into = held_flags & kHeldEdgeInto;  // for on_acquired after contention
    return finish_acquire(t, lock, flags, site, rc, block);
  }
  RuntimeScope scope(t);
  DeferInversionHalt defer;  // halt_on_error: let a real deadlock be reported first
  learn_call_site(site.frame, site.return_pc, t->stack_lo, t->stack_hi);  // before the lock: may unwind
  int refuse = 0;
  if (on_before_acquire(t, lock, flags, site, &refuse) == AcquireVerdict::kRefuse) return refuse;
  return finish_acquire(t, lock, flags, site, try_once(), block);
}

// The release fast path: the lock is one of the thread's holds, found by
// address from the newest down (no registry lookup; hand-over-hand locking
// releases the one below the newest), still the same identity (the tag in
// its spare field, if it was tagged, is unchanged) and owned as the model
// says. Returns false when the event path must decide (misuse, profiling).
__attribute__((always_inline)) inline bool try_fast_release(ThreadState *t, const void *address,
                                                            const uint64_t *tag_field) {
  uint32_t n = held_size(t);
  if (__builtin_expect(g_observe_every_acquisition, 0)) return false;
  HeldLock *entry = nullptr;
  for (uint32_t i = n; i-- > 0;) {
    HeldLock *candidate = held_at(t, i);
    if (candidate->lock->address == reinterpret_cast<uintptr_t>(address)) {
      entry = candidate;
      break;
    }
  }
  if (!entry) return false;
  if (!hold_is_live(t, *entry)) return false;
  LockState *lock = entry->lock;
  if (tag_field && lock->tag && __atomic_load_n(tag_field, __ATOMIC_RELAXED) != lock->tag) return false;
  end_hold(t, entry);
  return true;
}

}  // namespace interlock
