// Stack capture. Two kinds:
//  * ShortStack: a validated frame-pointer walk of a few frames, taken on
//    every acquisition (a handful of loads). Exact where code keeps frame
//    pointers (-O0, -fno-omit-frame-pointer); elsewhere the first frame (the
//    caller of the lock function) is always exact and the walk stops as soon
//    as a frame does not validate.
//  * full stacks: _Unwind_Backtrace, taken only on slow paths (a new edge, a
//    misuse, a deadlock), so the repeat case never unwinds.
#pragma once
#include <cstdint>

#include "common/containers.h"

namespace interlock {

constexpr int kShortStackDepth = 6;

// Depth first: the stack depot stores a stack of any length as a ShortStack
// whose frames run on past pc[kShortStackDepth - 1] (core/stack_depot.cpp),
// so that a stored short stack is a ShortStack it can hand out.
struct ShortStack {
  uint32_t depth;
  uintptr_t pc[kShortStackDepth];
};

// Walks from `frame` (the interceptor's __builtin_frame_address(0)), whose
// return address is `return_pc`. Bounds come from the calling thread's stack.
void capture_short_stack(ShortStack *out, void *frame, void *return_pc, uintptr_t stack_lo, uintptr_t stack_hi);
// Learns how deep the walk from this call site may go (see stack.cpp), if
// not known yet: the first time, that takes a precise unwind. Called before
// a lock is taken, so that captures made while holding it never unwind.
void learn_call_site(void *frame, void *return_pc, uintptr_t stack_lo, uintptr_t stack_hi);

// Full unwind of the calling thread; frames inside libinterlock are kept (the
// report layer classifies them away), up to `max_depth` frames.
void capture_full_stack(Vec<uintptr_t> *out, int max_depth);

void short_stack_to_vec(const ShortStack &stack, Vec<uintptr_t> *out);

// Whether `pc` lies in an executable segment of a loaded module (cached).
bool is_code_address(uintptr_t pc);
void refresh_code_ranges();
// After dlclose: forget validated return addresses (their code may be gone).
void forget_code_ranges();

}  // namespace interlock
