// Stack depot (after sanitizer_common's StackDepot): one deduplicated store of
// stacks of any length. A stack is stored once and named by a 32-bit id; the
// 100k locks created at one call site share one stored stack, so a lock's
// state carries 4 bytes instead of a 56-byte ShortStack, and the 100k edges
// made at one line share one full stack.
//
// Short stacks (ShortStack: first-acquisition and destroy sites, an edge's
// two short sites) and full unwound stacks (an edge's stack) are the same
// thing here: a stack of `depth` frames. They share one id space: a short
// stack and a full stack with the same frames get the same id.
//
//  * Ids are never reused and stored stacks are never freed or changed, so a
//    reader needs no lock: finding a stored stack is two loads.
//  * A put looks the stack up without a lock and takes the depot's spin lock
//    only to insert a stack it has never seen.
//  * Id 0 means "no stack" (never stored); an empty stack is id 0, and so is
//    any stack once the depot is full (2^32 64-byte lines, i.e. 2^32 short
//    stacks): the caller keeps working without it.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/containers.h"
#include "core/stack.h"

namespace interlock {

// Stores `count` frames (any length, e.g. the unwound stack of a new edge).
uint32_t stack_depot_put_pcs(const uintptr_t *pcs, size_t count);
// Stores a short stack: a stack of at most kShortStackDepth frames.
inline uint32_t stack_depot_put(const ShortStack &stack) { return stack_depot_put_pcs(stack.pc, stack.depth); }

// The stored stack of `id` as a ShortStack, or null for id 0, an id never
// handed out, or a stack of more than kShortStackDepth frames.
const ShortStack *stack_depot_get(uint32_t id);
// Copies the first kShortStackDepth frames of `id` (depth 0 for id 0).
ShortStack stack_depot_copy(uint32_t id);
// Appends every frame of `id` to `out` (nothing for id 0).
void stack_depot_append_pcs(uint32_t id, Vec<uintptr_t> *out);

struct StackDepotStats {
  uint32_t stacks = 0;      // distinct stacks stored, short and full
  size_t bytes_used = 0;    // the stored stacks (64-byte lines)
  size_t bytes_mapped = 0;  // blocks reserved for them (touched as they fill)
};
StackDepotStats stack_depot_stats();

// fork(): the insert lock, taken before and released after.
void stack_depot_fork_lock();
void stack_depot_fork_unlock();

}  // namespace interlock
