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
#include <cstdint>

#include "core/stack.h"

namespace interlock {

uint32_t stack_depot_put(const ShortStack &stack);
// The stored stack of `id`, or null for id 0 (or an id never handed out).
const ShortStack *stack_depot_get(uint32_t id);
// Copies the stack of `id` into `out` (depth 0 for id 0).
ShortStack stack_depot_copy(uint32_t id);

struct StackDepotStats {
  uint32_t stacks = 0;       // distinct stacks stored
  size_t bytes_mapped = 0;   // memory reserved for them (touched lazily)
};
StackDepotStats stack_depot_stats();

// fork(): the insert lock, taken before and released after.
void stack_depot_fork_lock();
void stack_depot_fork_unlock();

}  // namespace interlock
