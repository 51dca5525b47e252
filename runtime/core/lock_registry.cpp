#include "core/lock_registry.h"

#include "common/internal_alloc.h"
#include "common/spin_lock.h"

#include <sys/mman.h>

namespace interlock {
namespace registry_detail {
std::atomic<LockState *> *g_slabs;
std::atomic<uint32_t> g_next_slot{1};
}  // namespace registry_detail

namespace {
using namespace registry_detail;

// Address hash: an array of lock-free chains that doubles when there are
// more than two states per bucket. A fixed 2^20-bucket array cost 8 MiB of
// touched pages once a program had ~100k locks (40 bytes per lock at 200k).
// Buckets are numbered by the top bits of the address hash and the stripe
// locks by its top 8 bits, so every bucket keeps its stripe whatever the
// array size: a chain is only ever changed under its stripe lock.
//
// Doubling (grow_buckets) takes every stripe, relinks every state into a new
// array and publishes it. A lock-free reader still walking an old chain may
// be led into a new chain and miss its state; every lock-free lookup falls
// back to lookup_slow on a miss, which searches again under the stripe. The
// old array's pages are given back (MADV_DONTNEED: they read as zero, i.e.
// empty chains, so a late reader just misses).
constexpr uint32_t kInitialBucketBits = 12;
constexpr uint32_t kMaxBucketBits = 30;
constexpr size_t kStripeBits = 8;
constexpr size_t kStripes = size_t(1) << kStripeBits;
// Slots: see allocate_state (constants in the header, registry_detail).

struct BucketArray {
  uint32_t bits;
  std::atomic<LockState *> *heads;
};

std::atomic<BucketArray *> g_bucket_array{nullptr};
std::atomic<LockState *> *g_buckets;  // non-null once the tables exist
SpinLock g_init_lock;
SpinLock g_grow_lock;
SpinLock g_stripes[kStripes];
std::atomic<uint64_t> g_next_id{1};
std::atomic<size_t> g_count{0};
RetireHook g_retire_hook;

BucketArray *new_bucket_array(uint32_t bits) {
  auto *array = static_cast<BucketArray *>(reserve_zeroed(sizeof(BucketArray)));
  array->bits = bits;
  array->heads = static_cast<std::atomic<LockState *> *>(reserve_zeroed((size_t(1) << bits) * sizeof(std::atomic<LockState *>)));
  return array;
}

void ensure_tables() {
  if (g_buckets) return;
  SpinGuard guard(g_init_lock);
  if (g_buckets) return;
  g_slabs = static_cast<std::atomic<LockState *> *>(reserve_zeroed(kMaxSlabs * sizeof(std::atomic<LockState *>)));
  BucketArray *array = new_bucket_array(kInitialBucketBits);
  g_bucket_array.store(array, std::memory_order_release);
  __atomic_store_n(&g_buckets, array->heads, __ATOMIC_RELEASE);
}

uint64_t address_hash(uintptr_t address) { return mix64(address); }
SpinLock &stripe_of(uintptr_t address) { return g_stripes[address_hash(address) >> (64 - kStripeBits)]; }
std::atomic<LockState *> &bucket_head(const BucketArray *array, uintptr_t address) {
  return array->heads[address_hash(address) >> (64 - array->bits)];
}

// Called with no stripe held.
void grow_buckets_if_crowded() {
  BucketArray *old = g_bucket_array.load(std::memory_order_acquire);
  if (!old || g_count.load(std::memory_order_relaxed) <= (size_t(2) << old->bits) || old->bits >= kMaxBucketBits) return;
  SpinGuard grow(g_grow_lock);
  old = g_bucket_array.load(std::memory_order_acquire);
  if (g_count.load(std::memory_order_relaxed) <= (size_t(2) << old->bits)) return;  // another thread grew it
  for (SpinLock &stripe : g_stripes) stripe.lock();
  BucketArray *array = new_bucket_array(old->bits + 1);
  size_t old_buckets = size_t(1) << old->bits;
  for (size_t b = 0; b < old_buckets; ++b) {
    LockState *state = old->heads[b].load(std::memory_order_relaxed);
    while (state) {
      LockState *next = state->bucket_next.load(std::memory_order_relaxed);
      std::atomic<LockState *> &head = bucket_head(array, state->address);
      state->bucket_next.store(head.load(std::memory_order_relaxed), std::memory_order_relaxed);
      head.store(state, std::memory_order_release);
      state = next;
    }
  }
  g_bucket_array.store(array, std::memory_order_release);
  __atomic_store_n(&g_buckets, array->heads, __ATOMIC_RELEASE);
  for (SpinLock &stripe : g_stripes) stripe.unlock();
  // Late readers of the old array read zeros (empty chains) from now on.
  madvise(old->heads, old_buckets * sizeof(std::atomic<LockState *>), MADV_DONTNEED);
}

uint64_t make_tag(uint32_t slot, uint64_t id) {
  uint64_t tag = ((uint64_t(slot) << 32) | (id & 0xffffffffu)) ^ kTagMagic;
  return tag ? tag : 1;
}


LockState *find_in_bucket(uintptr_t address) {
  for (LockState *s = bucket_head(g_bucket_array.load(std::memory_order_acquire), address).load(std::memory_order_acquire); s;
       s = s->bucket_next.load(std::memory_order_acquire))
    if (s->address == address) return s;
  return nullptr;
}

// Gives `state` a fresh identity. The old identity (if any) is retired.
void give_new_identity(LockState *state, LockKind kind, uint64_t *tag_field) {
  uint64_t old_id = state->id;
  state->id = g_next_id.fetch_add(1, std::memory_order_relaxed);
  state->kind = kind;
  state->destroyed.store(false, std::memory_order_relaxed);
  state->owner.store(0, std::memory_order_relaxed);
  state->readers.store(0, std::memory_order_relaxed);
  state->has_first_site.store(false, std::memory_order_relaxed);
  state->tag = tag_field ? make_tag(state->slot, state->id) : 0;
  if (tag_field) __atomic_store_n(tag_field, state->tag, __ATOMIC_RELEASE);
  if (old_id && g_retire_hook) g_retire_hook(old_id);
}

// Lock states are never freed (a re-born lock reuses its state in place), so
// they come from slabs without headers. A state's slot is its index: slab
// g_slabs[slot >> kSlabBits], entry slot & (kSlabSize - 1). After 2^32 states
// (slot numbers wrap to 0) new states come from unindexed slabs and stay
// untagged (found by address).
SpinLock g_slab_lock;
char *g_overflow_cursor;
char *g_overflow_end;

LockState *allocate_state(uint32_t *slot_out) {
  SpinGuard guard(g_slab_lock);
  uint32_t slot = g_next_slot.load(std::memory_order_relaxed);
  if (slot != 0) {
    std::atomic<LockState *> &slab_ref = g_slabs[slot >> kSlabBits];
    LockState *slab = slab_ref.load(std::memory_order_relaxed);
    if (!slab) {
      slab = static_cast<LockState *>(reserve_zeroed(kSlabSize * sizeof(LockState)));
      slab_ref.store(slab, std::memory_order_release);
    }
    g_next_slot.store(slot + 1, std::memory_order_release);  // 0 after the last slot
    *slot_out = slot;
    return new (&slab[slot & (kSlabSize - 1)]) LockState();
  }
  if (g_overflow_cursor + sizeof(LockState) > g_overflow_end) {
    constexpr size_t kSlab = size_t(1) << 20;
    g_overflow_cursor = static_cast<char *>(reserve_zeroed(kSlab));
    g_overflow_end = g_overflow_cursor + kSlab;
  }
  void *memory = g_overflow_cursor;
  g_overflow_cursor += sizeof(LockState);
  *slot_out = 0;
  return new (memory) LockState();
}

LockState *create_state(uintptr_t address, LockKind kind, uint64_t *tag_field) {
  uint32_t slot = 0;
  auto *state = allocate_state(&slot);
  state->address = address;
  state->slot = slot;
  if (!slot) tag_field = nullptr;  // 2^32 slots used: keep working untagged
  give_new_identity(state, kind, tag_field);
  std::atomic<LockState *> &head = bucket_head(g_bucket_array.load(std::memory_order_acquire), address);
  state->bucket_next.store(head.load(std::memory_order_relaxed), std::memory_order_relaxed);
  head.store(state, std::memory_order_release);
  g_count.fetch_add(1, std::memory_order_relaxed);
  return state;
}

// The slow path under the address's stripe lock.
LockState *lookup_locked(uintptr_t address, LockKind kind, uint64_t *tag_field) {
  SpinGuard guard(stripe_of(address));
  if (tag_field) {  // another thread may have tagged it meanwhile
    if (LockState *state = decode_tag(__atomic_load_n(tag_field, __ATOMIC_ACQUIRE), address)) return state;
  }
  LockState *state = find_in_bucket(address);
  if (!state) return create_state(address, kind, tag_field);
  // Tagged lock whose tag is gone: its memory was re-initialised (reuse).
  if (tag_field && state->tag) give_new_identity(state, kind, tag_field);
  else if (tag_field) give_new_identity(state, kind, tag_field);
  return state;
}

// Slow path: the tag did not identify a live state.
LockState *lookup_slow(uintptr_t address, LockKind kind, uint64_t *tag_field) {
  ensure_tables();
  LockState *state = lookup_locked(address, kind, tag_field);
  grow_buckets_if_crowded();
  return state;
}

LockKind mutex_kind(pthread_mutex_t *mutex) {
  return (mutex->__data.__kind & 3) == PTHREAD_MUTEX_RECURSIVE ? LockKind::kRecursiveMutex : LockKind::kMutex;
}

}  // namespace

const char *lock_kind_name(LockKind kind) {
  switch (kind) {
    case LockKind::kMutex: return "mutex";
    case LockKind::kRecursiveMutex: return "recursive_mutex";
    case LockKind::kRwLock: return "rwlock";
    case LockKind::kSpinLock: return "spinlock";
    default: return "lock";
  }
}

LockState *lookup_mutex_slow(pthread_mutex_t *mutex) {
  uintptr_t address = reinterpret_cast<uintptr_t>(mutex);
  // Robust (16) and process-shared (128) mutexes use or share the list field.
  bool taggable = (mutex->__data.__kind & (16 | 128)) == 0;
  if (!taggable) {
    LockState *state = lookup_plain(mutex, mutex_kind(mutex));
    state->kind = mutex_kind(mutex);
    return state;
  }
  auto *tag_field = reinterpret_cast<uint64_t *>(&mutex->__data.__list.__next);
  if (g_buckets) {
    if (LockState *state = decode_tag(__atomic_load_n(tag_field, __ATOMIC_ACQUIRE), address)) return state;
  }
  return lookup_slow(address, mutex_kind(mutex), tag_field);
}

LockState *lookup_rwlock_slow(pthread_rwlock_t *rwlock) {
  uintptr_t address = reinterpret_cast<uintptr_t>(rwlock);
  if (rwlock->__data.__shared) return lookup_plain(rwlock, LockKind::kRwLock);
  auto *tag_field = reinterpret_cast<uint64_t *>(&rwlock->__data.__pad2);
  if (g_buckets) {
    if (LockState *state = decode_tag(__atomic_load_n(tag_field, __ATOMIC_ACQUIRE), address)) return state;
  }
  return lookup_slow(address, LockKind::kRwLock, tag_field);
}

LockState *lookup_plain(const void *address_ptr, LockKind kind) {
  uintptr_t address = reinterpret_cast<uintptr_t>(address_ptr);
  if (g_buckets) {
    if (LockState *state = find_in_bucket(address)) return state;
  }
  return lookup_slow(address, kind, nullptr);
}

LockState *find_lock(const void *address) {
  if (!g_buckets) return nullptr;
  return find_in_bucket(reinterpret_cast<uintptr_t>(address));
}

void rebirth_lock(const void *address_ptr) {
  if (!g_buckets) return;
  uintptr_t address = reinterpret_cast<uintptr_t>(address_ptr);
  SpinGuard guard(stripe_of(address));
  LockState *state = find_in_bucket(address);
  if (!state) return;
  // The memory was just zeroed by init, so any tag is gone; untagged locks
  // get their new identity here.
  uint64_t old_id = state->id;
  state->id = g_next_id.fetch_add(1, std::memory_order_relaxed);
  state->tag = 0;  // re-tagged on next lookup through the slow path
  state->destroyed.store(false, std::memory_order_relaxed);
  state->owner.store(0, std::memory_order_relaxed);
  state->readers.store(0, std::memory_order_relaxed);
  state->has_first_site.store(false, std::memory_order_relaxed);
  if (g_retire_hook) g_retire_hook(old_id);
}

void set_retire_hook(RetireHook hook) { g_retire_hook = hook; }

// Same order as the lookups nest them: a stripe (lookup_slow), then the init
// lock (ensure_tables) or the slab lock (allocate_state).
// Taking the init lock first here deadlocked a fork() against a thread
// creating a lock's state (tests: runtime_process.fork_with_busy_thread).
void registry_fork_lock() {
  g_grow_lock.lock();  // taken before the stripes, as grow_buckets_if_crowded does
  for (SpinLock &stripe : g_stripes) stripe.lock();
  g_init_lock.lock();
  g_slab_lock.lock();
}

void registry_fork_unlock() {
  g_slab_lock.unlock();
  g_init_lock.unlock();
  for (SpinLock &stripe : g_stripes) stripe.unlock();
  g_grow_lock.unlock();
}

size_t lock_state_count() { return g_count.load(std::memory_order_relaxed); }

LockState *lock_by_slot(uint32_t slot) {
  if (!g_buckets || !slot) return nullptr;
  LockState *slab = g_slabs[slot >> kSlabBits].load(std::memory_order_acquire);
  LockState *state = slab ? &slab[slot & (kSlabSize - 1)] : nullptr;
  return state && state->address ? state : nullptr;  // address 0: not handed out yet
}

uint32_t lock_slot_count() {
  uint32_t next = g_next_slot.load(std::memory_order_acquire);
  return next ? next : UINT32_MAX;  // wrapped: every slot is in use
}

}  // namespace interlock
