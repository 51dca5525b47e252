#include "core/stack_depot.h"

#include <atomic>
#include <cstring>

#include "common/containers.h"
#include "common/internal_alloc.h"
#include "common/spin_lock.h"

namespace interlock {
namespace {

// One stored stack: 64 bytes, one cache line.
struct DepotEntry {
  std::atomic<uint32_t> next;   // next id in the same bucket, 0 ends the chain
  uint32_t hash;
  ShortStack stack;
};
static_assert(sizeof(DepotEntry) <= 64, "a depot entry should fit one cache line");

// Entries live in chunks indexed by id (id -> chunk -> entry), allocated on
// demand; the chunk table covers every 32-bit id and costs memory only where
// touched. Chains of ids hang off a bucket array of the same kind: more
// stacks than buckets only lengthen the chains (real programs have a few
// thousand distinct lock sites).
constexpr uint32_t kChunkBits = 12;
constexpr uint32_t kChunkSize = 1u << kChunkBits;
constexpr uint32_t kMaxChunks = 1u << (32 - kChunkBits);
constexpr uint32_t kBucketBits = 14;
constexpr uint32_t kBuckets = 1u << kBucketBits;

std::atomic<std::atomic<DepotEntry *> *> g_chunks{nullptr};
std::atomic<std::atomic<uint32_t> *> g_buckets{nullptr};
std::atomic<uint32_t> g_next_id{1};
std::atomic<uint32_t> g_chunk_count{0};
SpinLock g_lock;

// The hash of a stack, short or full.
uint32_t hash_pcs(const uintptr_t *pcs, size_t count) {
  uint64_t h = count;
  for (size_t i = 0; i < count; ++i) h = mix64(h ^ pcs[i]) + 0x9e3779b97f4a7c15ull;
  return uint32_t(h ^ (h >> 32));
}

uint32_t hash_stack(const ShortStack &stack) { return hash_pcs(stack.pc, stack.depth); }

bool same_stack(const ShortStack &a, const ShortStack &b) {
  return a.depth == b.depth && memcmp(a.pc, b.pc, a.depth * sizeof(uintptr_t)) == 0;
}

DepotEntry *entry_of(uint32_t id) {
  std::atomic<DepotEntry *> *chunks = g_chunks.load(std::memory_order_acquire);
  if (!id || !chunks) return nullptr;
  DepotEntry *chunk = chunks[id >> kChunkBits].load(std::memory_order_acquire);
  return chunk ? &chunk[id & (kChunkSize - 1)] : nullptr;
}

uint32_t find_in_chain(uint32_t head, uint32_t hash, const ShortStack &stack) {
  for (uint32_t id = head; id;) {
    DepotEntry *entry = entry_of(id);
    if (!entry) return 0;
    if (entry->hash == hash && same_stack(entry->stack, stack)) return id;
    id = entry->next.load(std::memory_order_acquire);
  }
  return 0;
}

// Under g_lock.
void ensure_tables() {
  if (g_buckets.load(std::memory_order_relaxed)) return;
  g_chunks.store(static_cast<std::atomic<DepotEntry *> *>(reserve_zeroed(kMaxChunks * sizeof(std::atomic<DepotEntry *>))),
                 std::memory_order_release);
  g_buckets.store(static_cast<std::atomic<uint32_t> *>(reserve_zeroed(kBuckets * sizeof(std::atomic<uint32_t>))),
                  std::memory_order_release);
}

// Under g_lock: a fresh entry for the next id, or null when 2^32 ids are used.
DepotEntry *new_entry(uint32_t *id_out) {
  uint32_t id = g_next_id.load(std::memory_order_relaxed);
  if (id == 0) return nullptr;  // wrapped: the depot is full
  std::atomic<DepotEntry *> *chunks = g_chunks.load(std::memory_order_relaxed);
  std::atomic<DepotEntry *> &chunk_ref = chunks[id >> kChunkBits];
  DepotEntry *chunk = chunk_ref.load(std::memory_order_relaxed);
  if (!chunk) {
    chunk = static_cast<DepotEntry *>(reserve_zeroed(kChunkSize * sizeof(DepotEntry)));
    chunk_ref.store(chunk, std::memory_order_release);
    g_chunk_count.fetch_add(1, std::memory_order_relaxed);
  }
  *id_out = id;
  g_next_id.store(id + 1, std::memory_order_relaxed);
  return &chunk[id & (kChunkSize - 1)];
}

// ---- full stacks: variable length, one internal_alloc block each ----
struct FullEntry {
  std::atomic<uint32_t> next;  // next id in the same bucket
  uint32_t hash;
  uint32_t count;
  uintptr_t pcs[1];  // `count` of them (the block is allocated to fit)
};

using FullChunk = std::atomic<FullEntry *>;
std::atomic<std::atomic<FullChunk *> *> g_full_chunks{nullptr};  // id -> chunk -> entry
std::atomic<std::atomic<uint32_t> *> g_full_buckets{nullptr};
std::atomic<uint32_t> g_full_next_id{1};
SpinLock g_full_lock;

FullEntry *full_entry_of(uint32_t id) {
  std::atomic<FullChunk *> *chunks = g_full_chunks.load(std::memory_order_acquire);
  if (!id || !chunks) return nullptr;
  FullChunk *chunk = chunks[id >> kChunkBits].load(std::memory_order_acquire);
  return chunk ? chunk[id & (kChunkSize - 1)].load(std::memory_order_acquire) : nullptr;
}

uint32_t find_full(uint32_t head, uint32_t hash, const uintptr_t *pcs, size_t count) {
  for (uint32_t id = head; id;) {
    FullEntry *entry = full_entry_of(id);
    if (!entry) return 0;
    if (entry->hash == hash && entry->count == count && memcmp(entry->pcs, pcs, count * sizeof(uintptr_t)) == 0)
      return id;
    id = entry->next.load(std::memory_order_acquire);
  }
  return 0;
}

// Under g_full_lock.
void ensure_full_tables() {
  if (g_full_buckets.load(std::memory_order_relaxed)) return;
  g_full_chunks.store(static_cast<std::atomic<FullChunk *> *>(reserve_zeroed(kMaxChunks * sizeof(std::atomic<FullChunk *>))),
                      std::memory_order_release);
  g_full_buckets.store(static_cast<std::atomic<uint32_t> *>(reserve_zeroed(kBuckets * sizeof(std::atomic<uint32_t>))),
                       std::memory_order_release);
}

}  // namespace

uint32_t stack_depot_put_pcs(const uintptr_t *pcs, size_t count) {
  if (count == 0 || count > UINT32_MAX) return 0;
  uint32_t hash = hash_pcs(pcs, count);
  uint32_t bucket = hash & (kBuckets - 1);
  if (std::atomic<uint32_t> *buckets = g_full_buckets.load(std::memory_order_acquire)) {
    if (uint32_t id = find_full(buckets[bucket].load(std::memory_order_acquire), hash, pcs, count)) return id;
  }
  SpinGuard guard(g_full_lock);
  ensure_full_tables();
  std::atomic<uint32_t> &head = g_full_buckets.load(std::memory_order_relaxed)[bucket];
  uint32_t first = head.load(std::memory_order_relaxed);
  if (uint32_t id = find_full(first, hash, pcs, count)) return id;
  uint32_t id = g_full_next_id.load(std::memory_order_relaxed);
  if (id == 0) return 0;  // 2^32 stacks: full, the caller keeps its short stack
  std::atomic<FullChunk *> &chunk_ref = g_full_chunks.load(std::memory_order_relaxed)[id >> kChunkBits];
  FullChunk *chunk = chunk_ref.load(std::memory_order_relaxed);
  if (!chunk) {
    chunk = static_cast<FullChunk *>(reserve_zeroed(kChunkSize * sizeof(FullChunk)));
    chunk_ref.store(chunk, std::memory_order_release);
  }
  auto *entry = static_cast<FullEntry *>(internal_alloc(sizeof(FullEntry) + (count - 1) * sizeof(uintptr_t)));
  entry->hash = hash;
  entry->count = uint32_t(count);
  memcpy(entry->pcs, pcs, count * sizeof(uintptr_t));
  entry->next.store(first, std::memory_order_relaxed);
  chunk[id & (kChunkSize - 1)].store(entry, std::memory_order_release);
  g_full_next_id.store(id + 1, std::memory_order_relaxed);
  head.store(id, std::memory_order_release);  // publishes the entry
  return id;
}

void stack_depot_append_pcs(uint32_t id, Vec<uintptr_t> *out) {
  if (FullEntry *entry = full_entry_of(id))
    for (uint32_t i = 0; i < entry->count; ++i) out->push_back(entry->pcs[i]);
}

uint32_t stack_depot_put(const ShortStack &stack) {
  if (stack.depth == 0) return 0;
  uint32_t hash = hash_stack(stack);
  uint32_t bucket = hash & (kBuckets - 1);
  if (std::atomic<uint32_t> *buckets = g_buckets.load(std::memory_order_acquire)) {
    if (uint32_t id = find_in_chain(buckets[bucket].load(std::memory_order_acquire), hash, stack)) return id;
  }
  SpinGuard guard(g_lock);
  ensure_tables();
  std::atomic<uint32_t> &head = g_buckets.load(std::memory_order_relaxed)[bucket];
  uint32_t first = head.load(std::memory_order_relaxed);
  if (uint32_t id = find_in_chain(first, hash, stack)) return id;  // inserted meanwhile
  uint32_t id = 0;
  DepotEntry *entry = new_entry(&id);
  if (!entry) return 0;  // full: the caller keeps working without the stack
  entry->hash = hash;
  entry->stack = stack;
  entry->next.store(first, std::memory_order_relaxed);
  head.store(id, std::memory_order_release);  // publishes the entry
  return id;
}

const ShortStack *stack_depot_get(uint32_t id) {
  DepotEntry *entry = entry_of(id);
  return entry && entry->stack.depth ? &entry->stack : nullptr;
}

ShortStack stack_depot_copy(uint32_t id) {
  ShortStack copy{};
  if (const ShortStack *stored = stack_depot_get(id)) copy = *stored;
  return copy;
}

StackDepotStats stack_depot_stats() {
  StackDepotStats stats;
  uint32_t next = g_next_id.load(std::memory_order_relaxed);
  stats.stacks = next ? next - 1 : UINT32_MAX;
  stats.bytes_mapped = size_t(g_chunk_count.load(std::memory_order_relaxed)) * kChunkSize * sizeof(DepotEntry);
  stats.full_stacks = g_full_next_id.load(std::memory_order_relaxed) - 1;
  return stats;
}

void stack_depot_fork_lock() {
  g_lock.lock();
  g_full_lock.lock();
}
void stack_depot_fork_unlock() {
  g_full_lock.unlock();
  g_lock.unlock();
}

}  // namespace interlock
