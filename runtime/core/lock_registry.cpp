#include "core/lock_registry.h"

#include "common/internal_alloc.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "core/thread_state.h"

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
  state->has_first_site.store(false, std::memory_order_relaxed);
  state->tag = tag_field ? make_tag(state->slot, state->id) : 0;
  if (tag_field) __atomic_store_n(tag_field, state->tag, __ATOMIC_RELEASE);
  if (old_id && g_retire_hook) g_retire_hook(old_id);
}

// Lock states come from slabs without headers. A state's slot is its index:
// slab g_slabs[slot >> kSlabBits], entry slot & (kSlabSize - 1). After 2^32
// states (slot numbers wrap to 0) new states come from unindexed slabs and
// stay untagged (found by address). States are never unmapped: a re-born lock
// reuses its state in place, and the state of a destroyed lock is recycled
// after the quarantine (see "Recycling" below): recycled states wait in a
// LIFO list linked through their own `first_site` field (a free state has no
// first site), by slot number, so the list costs no memory of its own.
SpinLock g_slab_lock;  // the slabs, the free list and the counters below
char *g_overflow_cursor;
char *g_overflow_end;
uint32_t g_free_head;  // slot of the newest recycled state, 0 if none
uint64_t g_free_count;
uint64_t g_fresh_states;
uint64_t g_reuses;

LockState *state_at_slot(uint32_t slot) {
  return &g_slabs[slot >> kSlabBits].load(std::memory_order_relaxed)[slot & (kSlabSize - 1)];
}

LockState *carve_fresh_state(uint32_t *slot_out) {
  ++g_fresh_states;
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

// A recycled state first (newest first: its cache line is the likeliest to
// be warm), else fresh slab memory. A recycled state keeps its slot; its
// address, tag and id are 0 (unlink_recycled) until create_state sets them.
LockState *allocate_state(uint32_t *slot_out) {
  SpinGuard guard(g_slab_lock);
  if (g_free_head) {
    LockState *state = state_at_slot(g_free_head);
    g_free_head = state->first_site;
    --g_free_count;
    ++g_reuses;
    *slot_out = state->slot;
    state->first_site = 0;
    state->destroy_site = 0;
    return state;
  }
  return carve_fresh_state(slot_out);
}

LockState *create_state(uintptr_t address, LockKind kind, uint64_t *tag_field) {
  uint32_t slot = 0;
  auto *state = allocate_state(&slot);
  state->slot = slot;
  if (!slot) tag_field = nullptr;  // 2^32 slots used: keep working untagged
  // Identity before address: a lock-free reader (decode_tag, a chain walk
  // still on this state from its previous life) matches a state by address,
  // so it must not see this address with the old fields.
  give_new_identity(state, kind, tag_field);
  __atomic_store_n(&state->address, address, __ATOMIC_RELEASE);
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
  // A taggable lock whose tag did not decode: its memory holds a new lock
  // (re-initialised, reused), or its state was made untagged (by address:
  // a destroyed or robust mutex before). States beyond 2^32 slots can never
  // be tagged: they keep their identity (re-born by init only).
  if (tag_field && state->slot) give_new_identity(state, kind, tag_field);
  return state;
}

// Slow path: the tag did not identify a live state.
LockState *lookup_slow(uintptr_t address, LockKind kind, uint64_t *tag_field) {
  ensure_tables();
  LockState *state = lookup_locked(address, kind, tag_field);
  grow_buckets_if_crowded();
  return state;
}

// glibc's pthread_mutex_destroy stores -1 in __kind (no live mutex has it;
// every bit set also makes the mutex untaggable, so it is looked up by address).
constexpr int kGlibcDestroyedKind = -1;

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
    if (mutex->__data.__kind == kGlibcDestroyedKind) {
      // A destroyed mutex whose state left the quarantine (or whose destroy
      // the runtime did not see) has a new state here: mark it destroyed so
      // the use is still reported as invalid-mutex, without the destroy
      // stack. Not queued for recycling: like the state of any lock never
      // destroyed, it stays at its address.
      state->destroyed.store(true, std::memory_order_release);
    } else {
      state->kind = mutex_kind(mutex);
    }
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
  state->has_first_site.store(false, std::memory_order_relaxed);
  if (g_retire_hook) g_retire_hook(old_id);
}

namespace {

// ---- Recycling the states of destroyed locks ----
//
// A lock state is per address, so without recycling the state of a destroyed
// lock whose address never holds a lock again stays for the whole run (a
// program that creates and destroys locks at ever new addresses grows by a
// state each). Like ASan's quarantine of freed memory, a destroyed lock first
// waits in a FIFO of `lock_quarantine` entries: while there, its state stays
// at its address, so a use after destroy is reported (invalid-mutex, with the
// destroy stack). When later destroys push it out, the state is recycled:
// taken out of the address table and reused for the next new lock (any
// address) with a new identity. The rule that makes this safe is that no
// pointer to a state is ever trusted without the identity it was taken with:
//  - held entries (HeldLock::lock + id), wait-for (waiting_for + waiting_id),
//    condition-variable bindings and liveness wait snapshots compare ids, and
//    ids are never reused: a recycled state has id 0 while free and a fresh
//    id once reused, so an old pointer to it is simply stale;
//  - the graph is keyed by ids: the dead identity is retired (its edges
//    removed) when its state is recycled, never later;
//  - a tag left in the destroyed lock's memory names the slot, but decode_tag
//    also requires the state's address and tag: 0 while free, the new lock's
//    once reused (a tag carries the low 32 bits of the id, so it differs too
//    when the state comes back to the same address);
//  - lock-free chain walkers may stand on the state when it is unlinked: its
//    bucket_next is left as it was, and a walker led astray after the reuse
//    misses and retries under the stripe lock, as after a table growth.
// A state is not recycled (it stays at its address, as before recycling
// existed) when its entry leaves the quarantine while: the lock was re-born
// meanwhile (pthread_*_init, or a new lock in the same memory: its id moved
// on, the entry is stale), or the model still shows it held (destroyed while
// held, a misuse already reported), or a liveness detector watches it (it
// keeps the pointer and decrements the watch count later).
struct QuarantinedLock {
  LockState *state;
  uint64_t id;  // the identity that was destroyed
};

// A ring buffer, doubling as needed (at most twice the limit).
struct LockQuarantine {
  QuarantinedLock *entries;
  size_t capacity, head, size;

  void push(const QuarantinedLock &entry) {
    if (size == capacity) grow();
    entries[(head + size) % capacity] = entry;
    ++size;
  }
  bool pop_oldest_if_over(size_t limit, QuarantinedLock *out) {
    if (size <= limit) return false;
    *out = entries[head];
    head = (head + 1) % capacity;
    --size;
    return true;
  }
  void grow() {
    size_t bigger = capacity ? capacity * 2 : 64;
    auto *array = static_cast<QuarantinedLock *>(internal_alloc(bigger * sizeof(QuarantinedLock)));
    for (size_t i = 0; i < size; ++i) array[i] = entries[(head + i) % capacity];
    internal_free(entries);
    entries = array;
    capacity = bigger;
    head = 0;
  }
};

SpinLock g_quarantine_lock;  // taken alone; nests only the allocator (ring growth)
LockQuarantine g_quarantine;

size_t quarantine_limit() {
  long limit = options().lock_quarantine;
  return limit > 0 ? size_t(limit) : 0;
}

bool still_referenced(const LockState *state) {
  return state->owner.load(std::memory_order_relaxed) != 0 || any_read_holder(state) ||
         state->liveness_watch.load(std::memory_order_relaxed) != 0;
}

// Under the stripe of `address`: removes `state` from its chain (leaving its
// own bucket_next for walkers standing on it).
bool unlink_from_chain(LockState *state, uintptr_t address) {
  std::atomic<LockState *> *link = &bucket_head(g_bucket_array.load(std::memory_order_acquire), address);
  for (LockState *s = link->load(std::memory_order_relaxed); s; s = link->load(std::memory_order_relaxed)) {
    if (s == state) {
      link->store(state->bucket_next.load(std::memory_order_relaxed), std::memory_order_release);
      return true;
    }
    link = &s->bucket_next;
  }
  return false;
}

// Takes the state of a quarantined lock out of the address table if it may
// be recycled (see above); returns whether it did.
bool unlink_recycled(const QuarantinedLock &entry) {
  LockState *state = entry.state;
  uintptr_t address = __atomic_load_n(&state->address, __ATOMIC_ACQUIRE);
  if (!address) return false;  // recycled already (the same lock destroyed twice)
  if (!state->slot) return false;  // beyond 2^32 slots: kept at its address (the free list links slots)
  SpinGuard guard(stripe_of(address));  // address, id and tag change only under it
  if (state->address != address || state->id != entry.id || !state->destroyed.load(std::memory_order_relaxed) ||
      still_referenced(state))
    return false;
  if (!unlink_from_chain(state, address)) return false;
  // Tag first: a racing decode_tag compares the address, then the tag.
  __atomic_store_n(&state->tag, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&state->address, 0, __ATOMIC_RELEASE);
  __atomic_store_n(&state->id, 0, __ATOMIC_RELEASE);
  state->has_first_site.store(false, std::memory_order_release);
  g_count.fetch_sub(1, std::memory_order_relaxed);
  return true;
}

void recycle(const QuarantinedLock &entry) {
  if (!unlink_recycled(entry)) return;
  if (g_retire_hook) g_retire_hook(entry.id);  // the dead identity's edges go now
  SpinGuard guard(g_slab_lock);
  entry.state->first_site = g_free_head;  // has_first_site is false: the field is free
  g_free_head = entry.state->slot;
  ++g_free_count;
}

}  // namespace

void quarantine_destroyed_lock(LockState *lock) {
  if (!g_buckets) return;
  size_t limit = quarantine_limit();
  {
    SpinGuard guard(g_quarantine_lock);
    g_quarantine.push(QuarantinedLock{lock, lock->id});
  }
  // One push may let more than one entry out (the limit can shrink in tests).
  for (;;) {
    QuarantinedLock oldest;
    {
      SpinGuard guard(g_quarantine_lock);
      if (!g_quarantine.pop_oldest_if_over(limit, &oldest)) return;
    }
    recycle(oldest);
  }
}

RecyclingStats lock_recycling_stats() {
  RecyclingStats stats{};
  {
    SpinGuard guard(g_slab_lock);
    stats.fresh_states = g_fresh_states;
    stats.reuses = g_reuses;
    stats.free_states = g_free_count;
  }
  SpinGuard guard(g_quarantine_lock);
  stats.quarantined = g_quarantine.size;
  return stats;
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
  g_quarantine_lock.lock();
}

void registry_fork_unlock() {
  g_quarantine_lock.unlock();
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
  return state && state->address ? state : nullptr;  // address 0: not handed out yet, or recycled
}

uint32_t lock_slot_count() {
  uint32_t next = g_next_slot.load(std::memory_order_acquire);
  return next ? next : UINT32_MAX;  // wrapped: every slot is in use
}

}  // namespace interlock
