#include "core/stack_depot.h"

#include <atomic>
#include <cstring>

#include "common/containers.h"
#include "common/internal_alloc.h"
#include "common/spin_lock.h"

namespace interlock {
namespace {

// A stored stack: a record of one or more 64-byte lines. Its first line
// holds the chain link, the hash and a ShortStack whose depth is the
// stack's length; frames past the sixth continue in the lines after it. A
// short stack is exactly one line, and its `frames` is a real ShortStack that
// stack_depot_get() can hand out.
struct Record {
  std::atomic<uint32_t> next;  // next id in the same bucket, 0 ends the chain
  uint32_t hash;
  ShortStack frames;
};
constexpr size_t kLineBytes = 64;
constexpr size_t kFramesOffset = offsetof(Record, frames) + offsetof(ShortStack, pc);
static_assert(sizeof(Record) == kLineBytes, "a stored short stack should be one cache line");
static_assert(kFramesOffset + sizeof(ShortStack::pc) == sizeof(Record), "frames must run on into the next line");

// An id is the number of the record's first line. Lines live in blocks
// (id -> block -> line), reserved on demand and touched as they fill; the
// block table covers every 32-bit id and costs memory only where touched. A
// record never straddles two reservations: one that does not fit the rest
// of its block starts the next, and one larger than a block gets a
// reservation of several blocks. Line 0 is never used (id 0 = no stack).
constexpr uint32_t kBlockBits = 12;
constexpr uint64_t kBlockLines = uint64_t(1) << kBlockBits;
constexpr uint64_t kMaxLines = uint64_t(1) << 32;
constexpr uint64_t kMaxBlocks = kMaxLines >> kBlockBits;
// Chains of ids hang off a bucket array: more stacks than buckets only
// lengthen the chains (real programs have a few thousand distinct sites).
constexpr uint32_t kBucketBits = 15;
constexpr uint32_t kBuckets = 1u << kBucketBits;

using Block = std::atomic<char *>;
std::atomic<Block *> g_blocks{nullptr};
std::atomic<std::atomic<uint32_t> *> g_buckets{nullptr};
SpinLock g_lock;
// Written under g_lock; the counters are read racily by stack_depot_stats().
uint64_t g_next_line = 1;
std::atomic<uint32_t> g_stacks{0};
std::atomic<size_t> g_lines_used{0};
std::atomic<size_t> g_bytes_mapped{0};

uint32_t hash_pcs(const uintptr_t *pcs, size_t count) {
  uint64_t h = count;
  for (size_t i = 0; i < count; ++i) h = mix64(h ^ pcs[i]) + 0x9e3779b97f4a7c15ull;
  return uint32_t(h ^ (h >> 32));
}

// Frames are reached from the record's address rather than through the
// six-element `frames.pc`, which a long stack runs past.
const uintptr_t *frames_of(const Record *record) {
  return reinterpret_cast<const uintptr_t *>(reinterpret_cast<const char *>(record) + kFramesOffset);
}
uintptr_t *frames_of(Record *record) { return reinterpret_cast<uintptr_t *>(reinterpret_cast<char *>(record) + kFramesOffset); }

uint64_t lines_for(size_t count) {
  size_t frames = count > size_t(kShortStackDepth) ? count : size_t(kShortStackDepth);
  return (kFramesOffset + frames * sizeof(uintptr_t) + kLineBytes - 1) / kLineBytes;
}

// Inline: a lookup (every first acquisition and every destroy) walks a chain.
inline __attribute__((always_inline)) Record *record_of(uint32_t id) {
  Block *blocks = g_blocks.load(std::memory_order_acquire);
  if (!id || !blocks) return nullptr;
  char *block = blocks[id >> kBlockBits].load(std::memory_order_acquire);
  return block ? reinterpret_cast<Record *>(block + (id & (kBlockLines - 1)) * kLineBytes) : nullptr;
}

// A plain loop, not memcmp: the stacks looked up most (a lock's first and
// destroy sites) have a few frames, fewer than a call to memcmp costs.
bool holds(const Record *record, uint32_t hash, const uintptr_t *pcs, size_t count) {
  if (record->hash != hash || record->frames.depth != count) return false;
  const uintptr_t *frames = frames_of(record);
  for (size_t i = 0; i < count; ++i)
    if (frames[i] != pcs[i]) return false;
  return true;
}

uint32_t find_in_chain(uint32_t head, uint32_t hash, const uintptr_t *pcs, size_t count) {
  for (uint32_t id = head; id;) {
    const Record *record = record_of(id);
    if (!record) return 0;
    if (holds(record, hash, pcs, count)) return id;
    id = record->next.load(std::memory_order_acquire);
  }
  return 0;
}

// Under g_lock.
void ensure_tables() {
  if (g_buckets.load(std::memory_order_relaxed)) return;
  g_blocks.store(static_cast<Block *>(reserve_zeroed(kMaxBlocks * sizeof(Block))), std::memory_order_release);
  g_buckets.store(static_cast<std::atomic<uint32_t> *>(reserve_zeroed(kBuckets * sizeof(std::atomic<uint32_t>))),
                  std::memory_order_release);
}

// Under g_lock: reserves blocks [first, first + count) as one mapping.
void map_blocks(uint64_t first, uint64_t count) {
  size_t bytes = count * kBlockLines * kLineBytes;
  char *base = static_cast<char *>(reserve_zeroed(bytes));
  Block *blocks = g_blocks.load(std::memory_order_relaxed);
  for (uint64_t i = 0; i < count; ++i) blocks[first + i].store(base + i * kBlockLines * kLineBytes, std::memory_order_release);
  g_bytes_mapped.fetch_add(bytes, std::memory_order_relaxed);
}

// Under g_lock: the first of `lines` fresh contiguous lines, or null when the
// 2^32 ids are used up.
Record *allocate(uint64_t lines, uint32_t *id_out) {
  uint64_t start = g_next_line;
  uint64_t offset = start & (kBlockLines - 1);
  if (offset && offset + lines > kBlockLines) start += kBlockLines - offset;  // does not fit: the next block
  if (start + lines > kMaxLines) return nullptr;
  uint64_t first_block = start >> kBlockBits;
  if (!g_blocks.load(std::memory_order_relaxed)[first_block].load(std::memory_order_relaxed))
    map_blocks(first_block, ((start & (kBlockLines - 1)) + lines + kBlockLines - 1) >> kBlockBits);
  g_next_line = start + lines;
  *id_out = uint32_t(start);
  return record_of(uint32_t(start));
}

}  // namespace

uint32_t stack_depot_put_pcs(const uintptr_t *pcs, size_t count) {
  if (count == 0 || count > UINT32_MAX) return 0;
  uint32_t hash = hash_pcs(pcs, count);
  uint32_t bucket = hash & (kBuckets - 1);
  if (std::atomic<uint32_t> *buckets = g_buckets.load(std::memory_order_acquire)) {
    if (uint32_t id = find_in_chain(buckets[bucket].load(std::memory_order_acquire), hash, pcs, count)) return id;
  }
  SpinGuard guard(g_lock);
  ensure_tables();
  std::atomic<uint32_t> &head = g_buckets.load(std::memory_order_relaxed)[bucket];
  uint32_t first = head.load(std::memory_order_relaxed);
  if (uint32_t id = find_in_chain(first, hash, pcs, count)) return id;  // inserted meanwhile
  uint64_t lines = lines_for(count);
  uint32_t id = 0;
  Record *record = allocate(lines, &id);
  if (!record) return 0;  // full: the caller keeps working without the stack
  record->hash = hash;
  record->frames.depth = uint32_t(count);
  memcpy(frames_of(record), pcs, count * sizeof(uintptr_t));
  record->next.store(first, std::memory_order_relaxed);
  head.store(id, std::memory_order_release);  // publishes the record
  g_stacks.fetch_add(1, std::memory_order_relaxed);
  g_lines_used.fetch_add(lines, std::memory_order_relaxed);
  return id;
}

const ShortStack *stack_depot_get(uint32_t id) {
  const Record *record = record_of(id);
  if (!record || record->frames.depth == 0 || record->frames.depth > uint32_t(kShortStackDepth)) return nullptr;
  return &record->frames;
}

ShortStack stack_depot_copy(uint32_t id) {
  ShortStack copy{};
  const Record *record = record_of(id);
  if (!record) return copy;
  copy.depth = record->frames.depth < uint32_t(kShortStackDepth) ? record->frames.depth : uint32_t(kShortStackDepth);
  memcpy(copy.pc, frames_of(record), copy.depth * sizeof(uintptr_t));
  return copy;
}

void stack_depot_append_pcs(uint32_t id, Vec<uintptr_t> *out) {
  const Record *record = record_of(id);
  if (!record) return;
  const uintptr_t *frames = frames_of(record);
  for (uint32_t i = 0; i < record->frames.depth; ++i) out->push_back(frames[i]);
}

StackDepotStats stack_depot_stats() {
  StackDepotStats stats;
  stats.stacks = g_stacks.load(std::memory_order_relaxed);
  stats.bytes_used = g_lines_used.load(std::memory_order_relaxed) * kLineBytes;
  stats.bytes_mapped = g_bytes_mapped.load(std::memory_order_relaxed);
  return stats;
}

void stack_depot_fork_lock() { g_lock.lock(); }
void stack_depot_fork_unlock() { g_lock.unlock(); }

}  // namespace interlock
