// Lock identity. Every lock address maps to one LockState, but a LockState's
// *identity* (`id`) changes whenever the memory holding the lock is re-born:
// pthread_*_init, or memory reuse (heap reuse, a new stack frame, a new
// std::mutex constructed where a dead one was) detected through a tag the
// runtime writes into a field glibc leaves unused (see docs/runtime.md,
// "Lock identity"). Graph edges are between identities, so a new lock at the
// address of a dead one never inherits the dead one's edges. The state of a
// destroyed lock is recycled (for a lock at any address, with a new identity)
// after a quarantine: see quarantine_destroyed_lock.
#pragma once
#include <atomic>
#include <cstdint>
#include <pthread.h>

#include "core/stack.h"
#include "core/stack_depot.h"

namespace interlock {

enum class LockKind : uint8_t { kMutex, kRecursiveMutex, kRwLock, kSpinLock, kOther };
const char *lock_kind_name(LockKind kind);

// One cache line (64 bytes, aligned): the fast path reads only this line.
struct alignas(64) LockState {
  uintptr_t address = 0;
  uint64_t id = 0;                   // identity; a new one at every birth, never reused; 0 while recycled
  uint64_t tag = 0;                  // value stored in the lock's spare field, 0 if untagged
  uint32_t slot = 0;                 // index in the slot table (tag -> state)
  LockKind kind = LockKind::kMutex;
  std::atomic<bool> destroyed{false};
  std::atomic<bool> has_first_site{false};
  std::atomic<uint32_t> owner{0};    // tid of the exclusive holder, 0 if none
  // Read holds are not counted here: a count would be one more contended
  // cache line on every read acquisition. Who holds a lock for reading is in
  // the threads' held sets (any_read_holder, core/thread_state.h).
  // issue #4: liveness (runtime/liveness). Nonzero while a liveness detector
  // watches this lock's acquisitions (on_acquired then notifies observers).
  // Next to `owner`: the check costs no extra cache line.
  std::atomic<uint32_t> liveness_watch{0};
  // Stack-depot ids (core/stack_depot.h, 0 = none): 4 bytes each instead of
  // a 56-byte ShortStack per lock; locks made at one site share one stack.
  uint32_t first_site = 0;           // first acquisition: names and stable ids (valid once has_first_site)
  uint32_t destroy_site = 0;         // last pthread_*_destroy
  std::atomic<LockState *> bucket_next{nullptr};
};
static_assert(sizeof(LockState) == 64, "LockState should stay one cache line");

// The first-acquisition stack of `lock`, or null when none was recorded yet.
inline const ShortStack *lock_first_site(const LockState *lock) {
  return lock->has_first_site.load(std::memory_order_acquire) ? stack_depot_get(lock->first_site) : nullptr;
}

// Spare fields (glibc x86-64 layouts): the robust-list link of a non-robust,
// non-process-shared mutex and __pad2 of a process-private rwlock.
inline LockState *lookup_mutex(pthread_mutex_t *mutex);
inline LockState *lookup_rwlock(pthread_rwlock_t *rwlock);
LockState *lookup_mutex_slow(pthread_mutex_t *mutex);
LockState *lookup_rwlock_slow(pthread_rwlock_t *rwlock);
// Locks without a spare field (spin locks, user-annotated locks): by address.
LockState *lookup_plain(const void *address, LockKind kind);
// Existing state at `address` or null; never creates.
LockState *find_lock(const void *address);
// pthread_*_init: the address holds a new lock from now on.
void rebirth_lock(const void *address);
// A successful pthread_*_destroy (or interlock_lock_destroyed): `lock`, just
// marked destroyed, enters the quarantine of destroyed locks. Its state is
// recycled for a new lock (with a new identity) only once `lock_quarantine`
// later destroys have pushed it out, and only if it is then still that
// destroyed identity and nothing points at it (see lock_registry.cpp).
void quarantine_destroyed_lock(LockState *lock);

// Called (under no runtime lock) when an identity dies; set by the graph.
using RetireHook = void (*)(uint64_t dead_id);
void set_retire_hook(RetireHook hook);
// fork(): every registry spin lock, taken before and released after.
void registry_fork_lock();
void registry_fork_unlock();

template <typename Fn>
void for_each_lock(Fn fn);
// States in the address table: live locks and destroyed ones not recycled yet.
size_t lock_state_count();
// Recycling counters (tests, measurements).
struct RecyclingStats {
  uint64_t fresh_states;  // states ever carved from slab memory: what the process keeps
  uint64_t reuses;        // new locks given the state of a recycled one
  uint64_t quarantined;   // destroyed locks in the quarantine now
  uint64_t free_states;   // recycled states waiting for a new lock now
};
RecyclingStats lock_recycling_stats();

// Implementation detail exposed for for_each_lock.
LockState *lock_by_slot(uint32_t slot);
uint32_t lock_slot_count();

namespace registry_detail {
// Lock states live in slabs of kSlabSize; a state's slot is its allocation
// index, so slot -> state is slab base + index (no per-lock table entry).
constexpr uint32_t kSlabBits = 14;
constexpr uint32_t kSlabSize = 1u << kSlabBits;          // 16384 states, 1 MiB
constexpr uint32_t kMaxSlabs = 1u << (32 - kSlabBits);   // every 32-bit slot
constexpr uint64_t kTagMagic = 0x6c6f636b4c4f434bull;  // "lockLOCK"
extern std::atomic<LockState *> *g_slabs;  // slab index -> its first state, null until allocated
extern std::atomic<uint32_t> g_next_slot;

// The fast path: the tag names a slot whose state lives at this address
// with this very tag. Anything else (zero, stale, foreign) goes slow.
// No bound check against g_next_slot is needed: g_slabs covers every 32-bit
// slot (null until a slab is allocated), and a slot not handed out yet (or
// slot 0, never used) is zeroed memory whose address matches no lock.
inline LockState *decode_tag(uint64_t tag, uintptr_t address) {
  uint32_t slot = uint32_t((tag ^ kTagMagic) >> 32);
  if (__builtin_expect(!tag || !g_slabs, 0)) return nullptr;
  LockState *slab = g_slabs[slot >> kSlabBits].load(std::memory_order_acquire);
  if (!slab) return nullptr;
  LockState *state = &slab[slot & (kSlabSize - 1)];
  if (state->address == address && state->tag == tag) return state;
  return nullptr;
}
}  // namespace registry_detail

inline LockState *lookup_mutex(pthread_mutex_t *mutex) {
  if (__builtin_expect((mutex->__data.__kind & (16 | 128)) == 0, 1)) {
    uint64_t tag = __atomic_load_n(reinterpret_cast<uint64_t *>(&mutex->__data.__list.__next), __ATOMIC_ACQUIRE);
    if (LockState *state = registry_detail::decode_tag(tag, reinterpret_cast<uintptr_t>(mutex))) return state;
  }
  return lookup_mutex_slow(mutex);
}

inline LockState *lookup_rwlock(pthread_rwlock_t *rwlock) {
  if (__builtin_expect(rwlock->__data.__shared == 0, 1)) {
    uint64_t tag = __atomic_load_n(reinterpret_cast<uint64_t *>(&rwlock->__data.__pad2), __ATOMIC_ACQUIRE);
    if (LockState *state = registry_detail::decode_tag(tag, reinterpret_cast<uintptr_t>(rwlock))) return state;
  }
  return lookup_rwlock_slow(rwlock);
}

template <typename Fn>
void for_each_lock(Fn fn) {
  uint32_t n = lock_slot_count();
  for (uint32_t i = 1; i < n; ++i)
    if (LockState *state = lock_by_slot(i)) fn(state);
}

}  // namespace interlock
