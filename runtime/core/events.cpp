#include "core/events.h"

#include <cerrno>

#include "common/code_layout.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "core/detectors.h"
#include "core/lock_graph.h"
#include "report/finding.h"

namespace interlock {
namespace {

constexpr int kMaxObservers = 8;
Observer g_observers[kMaxObservers];
std::atomic<int> g_observer_count{0};

template <typename Fn>
void for_observers(Fn fn) {
  int n = g_observer_count.load(std::memory_order_acquire);
  for (int i = 0; i < n; ++i) fn(g_observers[i]);
}

bool is_try_or_timed(unsigned flags) { return flags & (kAcquireTry | kAcquireTimed); }

ShortStack short_stack_here(ThreadState *t, const CallSite &site) {
  ShortStack stack;
  capture_short_stack(&stack, site.frame, site.return_pc, t->stack_lo, t->stack_hi);
  return stack;
}

void full_stack_here(Vec<uintptr_t> *out) { capture_full_stack(out, int(options().stack_depth)); }


__attribute__((noinline, cold)) void record_first_site(ThreadState *t, LockState *lock, const CallSite &site) {
  lock->first_site = stack_depot_put(short_stack_here(t, site));
  lock->has_first_site.store(true, std::memory_order_release);
}

inline void ensure_first_site(ThreadState *t, LockState *lock, const CallSite &site) {
  if (__builtin_expect(!lock->has_first_site.load(std::memory_order_acquire), 0)) record_first_site(t, lock, site);
}

// Gate ids: every other lock the thread holds for writing.
uint32_t collect_gates(ThreadState *t, uint32_t skip_index) {
  uint32_t n = held_size(t);
  if (t->gate_capacity < n) {
    internal_free(t->gate_scratch);
    t->gate_capacity = n * 2;
    t->gate_scratch = static_cast<uint64_t *>(internal_alloc(t->gate_capacity * sizeof(uint64_t)));
  }
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; ++i) {
    HeldLock *h = held_at(t, i);
    if (i != skip_index && !(h->flags & kHeldRead) && hold_is_live(t, *h)) t->gate_scratch[count++] = h->id;
  }
  return count;
}

// The edge from -> to through the thread's memo, then the shared table. Ids
// are never reused and both are live here, so a memo entry whose edge still
// names them is that edge (edges die only with one of their locks).
__attribute__((always_inline)) inline Edge *find_known_edge(ThreadState *t, uint64_t from, uint64_t to) {
  // Ids are consecutive (a chain's edges are n -> n+1): mix before indexing.
  uint64_t hash = (from * 0x9e3779b97f4a7c15ull) ^ (to * 0xc2b2ae3d27d4eb4full);
  KnownEdge &memo = t->known_edges[(hash >> 32) & (kKnownEdgeSlots - 1)];
  if (memo.from == from && memo.to == to && memo.edge->from == from && memo.edge->to == to &&
      !memo.edge->dead.load(std::memory_order_relaxed))
    return memo.edge;
  Edge *edge = lock_graph().find_edge(from, to);
  if (edge) memo = KnownEdge{from, to, edge};
  return edge;
}

void add_edges(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) {
  uint32_t n = held_size(t);
  if (n == 0) return;
  Vec<uintptr_t> stack;   // captured once, only if some edge is new
  ShortStack to_site;     // filled with the stack, before its first use
  bool have_stack = false;
  bool any_edge = false;
  // lockdep's rule: the nearest held lock already has edges from the ones
  // below it, unless no edge went into it (try-locked): then keep going down.
  for (uint32_t k = n; k-- > 0;) {
    HeldLock *held = held_at(t, k);
    if (held->lock == lock || !hold_is_live(t, *held)) continue;
    any_edge = true;
    // The repeat case: an edge with nothing left to learn needs no gate set.
    Edge *known = find_known_edge(t, held->id, lock->id);
    if (known && known->saturated.load(std::memory_order_acquire)) {
      if (held->flags & kHeldEdgeInto) break;
      continue;
    }
    EdgeOccurrence occ;
    occ.from_lock = held->lock;
    occ.to_lock = lock;
    occ.from = held->id;
    occ.to = lock->id;
    occ.tid = t->tid;
    // Gates matter to the known-edge check only if the edge still has some.
    bool gates_collected = !known || known->gate_count.load(std::memory_order_acquire) != 0;
    occ.gate_count = gates_collected ? collect_gates(t, k) : 0;
    occ.gates = t->gate_scratch;
    occ.from_read = held->flags & kHeldRead;
    occ.to_read = flags & kAcquireRead;
    occ.from_try = held->flags & kHeldTry;
    if (!known || !LockGraph::occurrence_is_known(known, occ)) {
      if (!gates_collected) {
        occ.gate_count = collect_gates(t, k);
        occ.gates = t->gate_scratch;
      }
      if (!have_stack) {
        full_stack_here(&stack);
        to_site = short_stack_here(t, site);
        have_stack = true;
      }
      occ.from_site = &held->site;
      occ.to_site = &to_site;
      occ.to_stack = &stack;
      occ.from_first_site = held->lock->first_site;
      occ.to_first_site = lock->first_site;
      Cycle cycle;
      if (lock_graph().add_occurrence(occ, &cycle)) report_lock_order_cycle(cycle);
    }
    if (held->flags & kHeldEdgeInto) break;
  }
  t->pending_edge_into = any_edge;
}

}  // namespace

bool g_observe_every_acquisition = false;  // issue #4: liveness

bool add_observer(const Observer &observer) {
  int index = g_observer_count.load(std::memory_order_relaxed);
  if (index >= kMaxObservers) return false;
  g_observers[index] = observer;
  g_observer_count.store(index + 1, std::memory_order_release);
  return true;
}

void notify_progress(ThreadState *t) {
  for_observers([&](const Observer &o) {
    if (o.progress) o.progress(t);
  });
}

// Off the fast path, out of line: the hot functions below then need fewer
// saved registers (a shorter prologue and epilogue on every call).
namespace {

INTERLOCK_COLD void report_lock_of_destroyed(ThreadState *t, LockState *lock, const CallSite &site) {
  report_invalid_use(t, lock, "lock", short_stack_here(t, site));
}

INTERLOCK_COLD void notify_acquired_after_contention(ThreadState *t, LockState *lock, unsigned flags) {
  t->waiting_for.store(nullptr, std::memory_order_relaxed);
  for_observers([&](const Observer &o) {
    if (o.acquired_after_contention) o.acquired_after_contention(t, lock, flags);
  });
}

INTERLOCK_COLD void notify_watched_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) {
  for_observers([&](const Observer &o) {
    if (o.watched_acquired) o.watched_acquired(t, lock, flags, site);
  });
}

INTERLOCK_COLD void notify_released(ThreadState *t, LockState *lock, bool read) {
  for_observers([&](const Observer &o) {
    if (o.released) o.released(t, lock, read);
  });
}

INTERLOCK_COLD AcquireVerdict refuse_double_lock(ThreadState *t, LockState *lock, const char *what, const CallSite &site,
                                                 int *refuse_errno) {
  report_double_lock(t, lock, what, short_stack_here(t, site));
  *refuse_errno = EDEADLK;
  return AcquireVerdict::kRefuse;
}

// A release with no live hold in this thread's model.
INTERLOCK_COLD void release_unheld(ThreadState *t, LockState *lock, const CallSite &site) {
  report_bad_unlock(t, lock, short_stack_here(t, site));
  uint32_t owner = lock->owner.load(std::memory_order_relaxed);
  // A normal mutex really is released by glibc even from another thread;
  // keep the model in step (the holder's entry turns stale).
  if (owner && lock->kind == LockKind::kMutex) lock->owner.store(0, std::memory_order_relaxed);
}
}  // namespace

AcquireVerdict on_before_acquire(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, int *refuse_errno) {
  t->pending_edge_into = false;
  if (__builtin_expect(lock->destroyed.load(std::memory_order_relaxed), 0)) {
    report_lock_of_destroyed(t, lock, site);
    return AcquireVerdict::kProceed;  // the real call reports EINVAL
  }
  ensure_first_site(t, lock, site);
  bool read = flags & kAcquireRead;
  uint32_t owner = lock->owner.load(std::memory_order_relaxed);
  if (owner == t->tid) {
    if (lock->kind == LockKind::kRecursiveMutex) return AcquireVerdict::kProceed;  // adds nothing
    if (flags & kAcquireTry) return AcquireVerdict::kProceed;  // fails with EBUSY: not a misuse
    return refuse_double_lock(t, lock, read ? "read-lock of a rwlock this thread holds for writing" : nullptr, site,
                              refuse_errno);
  }
  if (lock->kind == LockKind::kRwLock && !read && !(flags & kAcquireTry)) {
    HeldLock *reading = held_find(t, lock, true);
    if (reading && hold_is_live(t, *reading))  // write-lock while holding it for reading: blocks for ever
      return refuse_double_lock(t, lock, "write-lock of a rwlock this thread holds for reading", site, refuse_errno);
  }
  if (read && held_find(t, lock, true)) return AcquireVerdict::kProceed;  // recursive read: adds nothing
  if (is_try_or_timed(flags)) return AcquireVerdict::kProceed;  // no edge into a try / timed acquisition
  // No lock held: no edge to add (checked first: options() is an out-of-line call).
  if (held_size(t) != 0 && options().detect_lock_order) add_edges(t, lock, flags, site);
  return AcquireVerdict::kProceed;
}


bool nested_acquisition_is_known(ThreadState *t, LockState *lock, unsigned flags, uint8_t *held_flags) {
  // Read holds recurse and rwlocks have the read/write misuse checks: those
  // take the event path, as does a disabled detector (rare, not worth a case).
  if (lock->kind == LockKind::kRwLock || (flags & kAcquireRead)) return false;
  if (is_try_or_timed(flags)) return true;  // no edge into a try / timed acquisition
  uint32_t n = held_size(t);
  HeldLock *top = held_at(t, n - 1);
  // Past the newest hold, add_edges would go on down (no edge went into it).
  if (top->lock == lock || (n > 1 && !(top->flags & kHeldEdgeInto)) || !hold_is_live(t, *top)) return false;
  if (!options().detect_lock_order) return false;
  Edge *known = find_known_edge(t, top->id, lock->id);
  if (!known) return false;
  // Gates are not collected here: known only if the edge has none left.
  if (!LockGraph::gateless_occurrence_is_known(known, t->tid, top->flags & kHeldRead, false)) return false;
  *held_flags |= kHeldEdgeInto;
  return true;
}

void on_contended(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) {
  for_observers([&](const Observer &o) {
    if (o.contended) o.contended(t, lock, flags);
  });
  if (flags & (kAcquireTry | kAcquireTimed)) return;  // a deadline ends the wait: not a deadlock
  t->waiting_site = short_stack_here(t, site);
  t->waiting_read.store(flags & kAcquireRead, std::memory_order_relaxed);
  t->waiting_id.store(lock->id, std::memory_order_relaxed);
  t->waiting_for.store(lock, std::memory_order_seq_cst);
  if (options().detect_deadlocks) check_wait_for_cycle(t, lock);
}

void on_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site, bool was_contended) {
  if (was_contended) notify_acquired_after_contention(t, lock, flags);
  // issue #4: liveness. A load from the cache line `owner` is on: free when unwatched.
  if (__builtin_expect(lock->liveness_watch.load(std::memory_order_relaxed) != 0 || g_observe_every_acquisition, 0))
    notify_watched_acquired(t, lock, flags, site);
  bool read = flags & kAcquireRead;
  if (lock->kind == LockKind::kRecursiveMutex || read) {
    HeldLock *existing = held_find(t, lock, read);
    if (existing && hold_is_live(t, *existing)) {
      ++existing->count;
      return;
    }
  }
  uint8_t held_flags = uint8_t(held_flags_for(flags) | (t->pending_edge_into ? kHeldEdgeInto : 0));
  t->pending_edge_into = false;
  begin_hold(t, lock, held_flags, site.frame, site.return_pc);
  publish_hold(t, lock, held_flags);
}

void on_acquire_failed(ThreadState *t, LockState *lock, unsigned flags, int error, bool was_contended) {
  t->pending_edge_into = false;
  if (was_contended) t->waiting_for.store(nullptr, std::memory_order_relaxed);
  for_observers([&](const Observer &o) {
    if (o.acquire_failed) o.acquire_failed(t, lock, flags, error);
  });
}

bool holds_for_read(ThreadState *t, LockState *lock) {
  if (lock->owner.load(std::memory_order_relaxed) == t->tid) return false;
  return held_find(t, lock, true) != nullptr;
}

bool on_before_release(ThreadState *t, LockState *lock, bool read, const CallSite &site) {
  if (__builtin_expect(g_observe_every_acquisition, 0)) notify_released(t, lock, read);  // issue #4 (profile=1)
  HeldLock *entry = held_find(t, lock, read);
  if (entry && !hold_is_live(t, *entry)) {  // someone else released it meanwhile
    held_remove(t, entry);
    entry = nullptr;
  }
  if (__builtin_expect(!entry, 0)) {
    release_unheld(t, lock, site);
    return true;
  }
  end_hold(t, entry);
  return true;
}

void on_released(ThreadState *, LockState *, bool) {}

void on_init(const void *address) { rebirth_lock(address); }

bool on_before_destroy(ThreadState *t, LockState *lock, const CallSite &site) {
  if (lock->destroyed.load(std::memory_order_relaxed)) {
    report_invalid_use(t, lock, "destroy", short_stack_here(t, site));
    return true;
  }
  if (lock->owner.load(std::memory_order_relaxed) || any_read_holder(lock))
    report_destroy_locked(t, lock, short_stack_here(t, site));
  return true;
}

void on_destroyed(ThreadState *t, LockState *lock, const CallSite &site) {
  lock->destroy_site = stack_depot_put(short_stack_here(t, site));
  bool already_destroyed = lock->destroyed.exchange(true, std::memory_order_acq_rel);
  // The state is recycled after a quarantine (lock_registry.h). Not with
  // profile=1: its statistics are kept per state, and would merge two locks.
  if (!already_destroyed && !g_observe_every_acquisition) quarantine_destroyed_lock(lock);
}

bool on_cond_wait_begin(ThreadState *t, const void *cond, LockState *mutex, const CallSite &site, HeldLock *saved) {
  for_observers([&](const Observer &o) {
    if (o.cond_wait_begin) o.cond_wait_begin(t, cond);
  });
  ShortStack here = short_stack_here(t, site);
  HeldLock *entry = held_find(t, mutex, false);
  if (!entry || !hold_is_live(t, *entry)) {
    report_cond_wait_unheld(t, mutex, here);
    // glibc locks the mutex on the way out of the wait in any case: the
    // thread holds it afterwards, acquired (in the model) at the wait.
    saved->lock = mutex;
    saved->id = mutex->id;
    saved->site = here;
    saved->count = 1;
    saved->flags = 0;
    return false;
  }
  check_cond_binding(t, cond, mutex, here, true);
  *saved = *entry;
  saved->count = entry->count;
  mutex->owner.store(0, std::memory_order_relaxed);
  held_remove(t, entry);
  return true;
}

void on_cond_wait_end(ThreadState *t, const void *cond, LockState *mutex, bool was_held, const HeldLock &saved) {
  if (was_held) check_cond_binding(t, cond, mutex, saved.site, false);
  if (saved.lock == mutex && saved.id == mutex->id && !held_find(t, mutex, false)) {
    mutex->owner.store(t->tid, std::memory_order_relaxed);
    held_push(t, saved);
  }
  for_observers([&](const Observer &o) {
    if (o.cond_wait_end) o.cond_wait_end(t, cond);
  });
}

void on_cond_destroy(const void *cond) { forget_cond(cond); }

void on_thread_start(ThreadState *) {}

void on_thread_exit(ThreadState *t) {
  if (options().report_held_at_exit) report_locks_held_at_exit(t, "exits holding");
  t->held_count.store(0, std::memory_order_release);
}

}  // namespace interlock
