// Stack depot (after sanitizer_common's StackDepot): a deduplicated store of
// short stacks. A stack is stored once and named by a 32-bit id; the 100k
// locks created at one call site share one stored stack, so a lock's state
// carries 4 bytes instead of a 56-byte ShortStack.
//
//  * Ids are never reused and stored stacks are never freed or changed, so a
//    reader needs no lock: stack_depot_get() is two loads.
//  * stack_depot_put() looks the stack up without a lock and takes the
//    depot's spin lock only to insert a stack it has never seen.
//  * Id 0 means "no stack" (never stored); an empty stack (depth 0) is id 0.
#pragma once
#include <cstddef>
#include <cstdint>

#include "common/containers.h"
#include "core/stack.h"

namespace interlock {

uint32_t stack_depot_put(const ShortStack &stack);
// The stored stack of `id`, or null for id 0 (or an id never handed out).
const ShortStack *stack_depot_get(uint32_t id);
// Copies the stack of `id` into `out` (depth 0 for id 0).
ShortStack stack_depot_copy(uint32_t id);

// Full stacks (any length, e.g. the unwound stack of a new lock-order edge),
// deduplicated the same way in a store of their own: a separate id space, 0
// for an empty stack. Stored stacks are never freed.
uint32_t stack_depot_put_pcs(const uintptr_t *pcs, size_t count);
// Appends the stack of `id` to `out` (nothing for id 0).
void stack_depot_append_pcs(uint32_t id, Vec<uintptr_t> *out);

struct StackDepotStats {
  uint32_t stacks = 0;       // distinct short stacks stored
  size_t bytes_mapped = 0;   // memory reserved for them (touched lazily)
  uint32_t full_stacks = 0;  // distinct full stacks stored
};
StackDepotStats stack_depot_stats();

// fork(): the insert lock, taken before and released after.
void stack_depot_fork_lock();
void stack_depot_fork_unlock();

}  // namespace interlock
