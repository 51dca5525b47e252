// Lock identity. Every lock address maps to one LockState, but a LockState's
// *identity* (`id`) changes whenever the memory holding the lock is re-born:
// pthread_*_init, or memory reuse (heap reuse, a new stack frame, a new
// std::mutex constructed where a dead one was) detected through a tag the
// runtime writes into a field glibc leaves unused (see docs/runtime.md,
// "Lock identity"). Graph edges are between identities, so a new lock at the
// address of a dead one never inherits the dead one's edges.
#pragma once
#include <atomic>
#include <cstdint>
#include <pthread.h>

#include "core/stack.h"

namespace interlock {

enum class LockKind : uint8_t { kMutex, kRecursiveMutex, kRwLock, kSpinLock, kOther };
const char *lock_kind_name(LockKind kind);

struct LockState {
  uintptr_t address = 0;
  uint64_t id = 0;                   // identity; a new one at every birth, never reused
  uint64_t tag = 0;                  // value stored in the lock's spare field, 0 if untagged
  uint32_t slot = 0;                 // index in the slot table (tag -> state)
  LockKind kind = LockKind::kMutex;
  std::atomic<bool> destroyed{false};
  std::atomic<uint32_t> owner{0};    // tid of the exclusive holder, 0 if none
  std::atomic<uint32_t> readers{0};  // number of read holds
  std::atomic<bool> has_first_site{false};
  ShortStack first_site{};           // first acquisition: names and stable ids
  ShortStack destroy_site{};         // last pthread_*_destroy
  std::atomic<LockState *> bucket_next{nullptr};
};

// Spare fields (glibc x86-64 layouts): the robust-list link of a non-robust,
// non-process-shared mutex and __pad2 of a process-private rwlock.
LockState *lookup_mutex(pthread_mutex_t *mutex);
LockState *lookup_rwlock(pthread_rwlock_t *rwlock);
// Locks without a spare field (spin locks, user-annotated locks): by address.
LockState *lookup_plain(const void *address, LockKind kind);
// Existing state at `address` or null; never creates.
LockState *find_lock(const void *address);
// pthread_*_init: the address holds a new lock from now on.
void rebirth_lock(const void *address);

// Called (under no runtime lock) when an identity dies; set by the graph.
using RetireHook = void (*)(uint64_t dead_id);
void set_retire_hook(RetireHook hook);

template <typename Fn>
void for_each_lock(Fn fn);
size_t lock_state_count();

// Implementation detail exposed for for_each_lock.
LockState *lock_by_slot(uint32_t slot);
uint32_t lock_slot_count();

template <typename Fn>
void for_each_lock(Fn fn) {
  uint32_t n = lock_slot_count();
  for (uint32_t i = 1; i < n; ++i)
    if (LockState *state = lock_by_slot(i)) fn(state);
}

}  // namespace interlock
