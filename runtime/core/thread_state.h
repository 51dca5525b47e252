// Per-thread state: the held-lock set (growable, no cap), what the thread is
// blocked on (for the wait-for detector), and a re-entrancy guard. Created on
// the first hook in a thread; reachable by tid for the deadlock detector and
// the exit-time scan.
#pragma once
#include <atomic>
#include <cstdint>

#include "core/lock_registry.h"
#include "core/stack.h"

namespace interlock {

struct Edge;  // core/lock_graph.h

// A per-thread memo of lock-graph edges this thread found known (the repeat
// case of nested acquisitions): saves the shared hash-table probe. Direct-
// mapped; an entry is re-checked against the edge before use. 64 entries
// (1.5 KiB per thread): nested_consistent's 28 edges missed often in 16.
struct KnownEdge {
  uint64_t from = 0, to = 0;
  Edge *edge = nullptr;
};
constexpr uint32_t kKnownEdgeSlots = 64;

enum HeldFlags : uint8_t {
  kHeldTry = 1,        // acquired by trylock or a timed lock: no edge went into it
  kHeldRead = 2,       // read (shared) hold of a rwlock
  kHeldEdgeInto = 4,   // an edge into this acquisition was recorded
};

struct HeldLock {
  LockState *lock;
  uint64_t id;         // identity at acquisition
  ShortStack site;     // where it was acquired
  uint32_t count;      // recursion depth (recursive mutexes)
  uint8_t flags;
};

struct ThreadState {
  uint32_t tid = 0;
  std::atomic<bool> alive{false};
  // Held set. Grown by copying; old arrays are never freed so that other
  // threads may read it racily (exit scan, deadlock reports).
  std::atomic<HeldLock *> held{nullptr};
  std::atomic<uint32_t> held_count{0};
  uint32_t held_capacity = 0;
  // What the thread is about to block on (untimed waits only).
  std::atomic<LockState *> waiting_for{nullptr};
  std::atomic<uint64_t> waiting_id{0};
  std::atomic<bool> waiting_read{false};
  ShortStack waiting_site{};
  // Re-entrancy: hooks called from inside the runtime pass straight through.
  int in_runtime = 0;
  uintptr_t stack_lo = 0, stack_hi = 0;
  // Scratch for the gate ids of one acquisition (grown, never shrunk).
  uint64_t *gate_scratch = nullptr;
  uint32_t gate_capacity = 0;
  bool pending_edge_into = false;  // set by on_before_acquire for on_acquired
  KnownEdge known_edges[kKnownEdgeSlots];
  ThreadState *next_free = nullptr;
};

// The calling thread's state (created on first use). Null only while the
// runtime cannot create it yet (never in practice after init).
extern __thread ThreadState *t_current_thread __attribute__((tls_model("initial-exec")));
ThreadState *current_thread_slow();
inline ThreadState *current_thread() {
  ThreadState *state = t_current_thread;
  return __builtin_expect(state != nullptr, 1) ? state : current_thread_slow();
}
// The state of a live thread by tid, or null.
ThreadState *thread_by_tid(uint32_t tid);
uint32_t thread_tid_limit();

// Thread numbering: pthread_create reserves the next tid in the parent so
// numbering follows creation order (main thread is T0).
uint32_t reserve_tid();
void set_pending_tid(uint32_t tid);
// The stack of a thread about to be created, found by its creator
// (pthread_getattr_np on the new thread): used instead of asking glibc from
// inside the new thread, whose pthread_getattr_np calls realloc before the
// program's own start-up code ran (a ThreadSanitizer-built program's
// allocator is not ready in the thread yet; see interceptors/thread.cpp).
void set_pending_stack_bounds(uintptr_t lo, uintptr_t hi);

// Called at thread exit (pthread key destructor) after the exit hooks ran.
void release_thread_state(ThreadState *state);
void install_thread_exit_hook(void (*on_exit)(ThreadState *));
// fork(): the thread table lock; in the child, every other thread is gone.
void threads_fork_lock();
void threads_fork_unlock();
void threads_after_fork_child(ThreadState *survivor);

// Held-set operations (owner thread only). The common cases are inline: they
// run on every acquisition and release (the hot path); growth and removal
// from the middle stay out of line.
HeldLock *held_push(ThreadState *thread, const HeldLock &entry);
HeldLock *held_grow(ThreadState *thread);  // held_emplace when the array is full
void held_remove_middle(ThreadState *thread, HeldLock *entry);
inline uint32_t held_size(const ThreadState *thread) { return thread->held_count.load(std::memory_order_relaxed); }
inline HeldLock *held_at(ThreadState *thread, uint32_t i) { return &thread->held.load(std::memory_order_relaxed)[i]; }
// Appends an uninitialised entry and returns it (no copy of a temporary).
inline HeldLock *held_emplace(ThreadState *thread) {
  uint32_t count = thread->held_count.load(std::memory_order_relaxed);
  if (__builtin_expect(count == thread->held_capacity, 0)) return held_grow(thread);
  return &thread->held.load(std::memory_order_relaxed)[count];
}
// Publishes the entry from held_emplace. Only the owner writes held_count, so
// a plain load + release store suffices (no read-modify-write).
inline void held_commit(ThreadState *thread) {
  thread->held_count.store(thread->held_count.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}
// Newest first: the lock being released is nearly always the last taken.
inline HeldLock *held_find(ThreadState *thread, const LockState *lock, bool read) {
  uint32_t count = held_size(thread);
  HeldLock *array = thread->held.load(std::memory_order_relaxed);
  for (uint32_t i = count; i-- > 0;)
    if (array[i].lock == lock && bool(array[i].flags & kHeldRead) == read) return &array[i];
  return nullptr;
}
inline void held_remove(ThreadState *thread, HeldLock *entry) {
  uint32_t count = held_size(thread);
  if (__builtin_expect(entry + 1 == thread->held.load(std::memory_order_relaxed) + count, 1)) {  // last-in first-out
    thread->held_count.store(count - 1, std::memory_order_release);
    return;
  }
  held_remove_middle(thread, entry);
}

// One hold's life, shared by the interceptors' fast path (hook.h) and the
// event path (events.cpp), which must keep the model the same way.
//
// Whether `entry` still describes a hold of this thread: same identity, and
// owned as the model says (stale when another thread released the lock
// behind the holder's back, a bad-unlock that reached the real unlock).
inline bool hold_is_live(const ThreadState *thread, const HeldLock &entry) {
  if (entry.id != entry.lock->id) return false;
  if (entry.flags & kHeldRead) return true;  // read holds: the identity is the check
  return entry.lock->owner.load(std::memory_order_relaxed) == thread->tid;
}
// A new hold of `lock`, built in place and not yet visible (publish_hold).
inline HeldLock *begin_hold(ThreadState *thread, LockState *lock, uint8_t flags, void *frame, void *return_pc) {
  HeldLock *entry = held_emplace(thread);
  entry->lock = lock;
  entry->id = lock->id;
  capture_short_stack(&entry->site, frame, return_pc, thread->stack_lo, thread->stack_hi);
  entry->count = 1;
  entry->flags = flags;
  return entry;
}
// The lock is taken: the model records the owner (or one more reader) and
// the hold from begin_hold becomes visible.
inline void publish_hold(ThreadState *thread, LockState *lock, uint8_t flags) {
  if (!(flags & kHeldRead)) lock->owner.store(thread->tid, std::memory_order_relaxed);
  held_commit(thread);
}
// One release of a live hold; the last one clears the model's owner (or one
// reader) and removes the entry. Called before the real unlock, or a new
// owner could be clobbered.
inline void end_hold(ThreadState *thread, HeldLock *entry) {
  if (--entry->count != 0) return;
  if (!(entry->flags & kHeldRead)) entry->lock->owner.store(0, std::memory_order_relaxed);
  held_remove(thread, entry);
}

// The hold of `lock` in `owner`, read from another thread (racily: reports
// and detectors use it for the acquisition site only), or null.
inline const HeldLock *hold_of(ThreadState *owner, const LockState *lock) {
  if (!owner) return nullptr;
  uint32_t n = owner->held_count.load(std::memory_order_acquire);
  HeldLock *array = owner->held.load(std::memory_order_acquire);
  // The id too: a stale entry's state may have been recycled for another lock.
  uint64_t id = lock->id;
  for (uint32_t i = n; i-- > 0;)
    if (array[i].lock == lock && array[i].id == id) return &array[i];
  return nullptr;
}

// Every live thread holding `lock` (its current identity) for reading,
// racily: a scan of all held sets, for slow paths only (a contended
// acquisition about to block, a destroy, recycling). fn(thread) returns
// false to stop.
template <typename Fn>
void for_each_read_holder(const LockState *lock, Fn fn) {
  uint64_t id = lock->id;
  uint32_t limit = thread_tid_limit();
  for (uint32_t tid = 1; tid < limit; ++tid) {
    ThreadState *x = thread_by_tid(tid);
    if (!x) continue;
    uint32_t n = x->held_count.load(std::memory_order_acquire);
    HeldLock *array = x->held.load(std::memory_order_acquire);
    for (uint32_t i = 0; i < n; ++i)
      if (array[i].lock == lock && (array[i].flags & kHeldRead) && array[i].id == id) {
        if (!fn(x)) return;
        break;
      }
  }
}
inline bool any_read_holder(const LockState *lock) {
  if (lock->kind != LockKind::kRwLock) return false;
  bool found = false;
  for_each_read_holder(lock, [&](ThreadState *) { return !(found = true); });
  return found;
}

class RuntimeScope {
 public:
  explicit RuntimeScope(ThreadState *thread) : thread_(thread) { ++thread_->in_runtime; }
  ~RuntimeScope() { --thread_->in_runtime; }

 private:
  ThreadState *thread_;
};

}  // namespace interlock
