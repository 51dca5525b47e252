// The stack depot: one stored copy per distinct short stack, named by a
// 32-bit id that stays valid (and lock-free readable) for ever.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "core/stack_depot.h"

namespace interlock {
namespace {

ShortStack make_stack(uintptr_t base, int depth) {
  ShortStack stack{};
  for (int i = 0; i < depth; ++i) stack.pc[i] = base + uintptr_t(i) * 16;
  stack.depth = uint8_t(depth);
  return stack;
}

bool same(const ShortStack &a, const ShortStack &b) {
  if (a.depth != b.depth) return false;
  for (int i = 0; i < a.depth; ++i)
    if (a.pc[i] != b.pc[i]) return false;
  return true;
}

TEST(StackDepot, SameStackSameId) {
  ShortStack stack = make_stack(0x400000, 4);
  uint32_t id = stack_depot_put(stack);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(stack_depot_put(stack), id);
  const ShortStack *stored = stack_depot_get(id);
  ASSERT_NE(stored, nullptr);
  EXPECT_TRUE(same(*stored, stack));
  EXPECT_TRUE(same(stack_depot_copy(id), stack));
}

TEST(StackDepot, StacksDifferingAnywhereGetDifferentIds) {
  ShortStack base = make_stack(0x500000, kShortStackDepth);
  ShortStack shorter = make_stack(0x500000, kShortStackDepth - 1);  // a prefix
  ShortStack last_frame = base;
  last_frame.pc[kShortStackDepth - 1] += 1;
  std::set<uint32_t> ids{stack_depot_put(base), stack_depot_put(shorter), stack_depot_put(last_frame)};
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_TRUE(same(stack_depot_copy(stack_depot_put(shorter)), shorter));
}

TEST(StackDepot, EmptyStackIsIdZero) {
  ShortStack empty{};
  EXPECT_EQ(stack_depot_put(empty), 0u);
  EXPECT_EQ(stack_depot_get(0), nullptr);
  EXPECT_EQ(stack_depot_copy(0).depth, 0);
}

// Many threads storing overlapping sets of stacks: each distinct stack is
// stored once, and every thread gets the same id for it.
TEST(StackDepot, ConcurrentPutsDeduplicate) {
  const int kThreads = 4, kStacks = 20000;
  static uintptr_t run = 0;  // fresh stacks on every run (--gtest_repeat)
  const uintptr_t base = 0x10000000 + ++run * 0x100000000ull;
  uint32_t stored_before = stack_depot_stats().stacks;
  std::vector<std::vector<uint32_t>> ids(kThreads, std::vector<uint32_t>(kStacks));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kStacks; ++i) {
        int k = (i + t * 997) % kStacks;  // different orders, same stacks
        ids[t][k] = stack_depot_put(make_stack(base + uintptr_t(k) * 4096, 1 + k % kShortStackDepth));
      }
    });
  for (auto &thread : threads) thread.join();
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(ids[t], ids[0]);
  std::set<uint32_t> distinct(ids[0].begin(), ids[0].end());
  EXPECT_EQ(distinct.size(), size_t(kStacks));
  EXPECT_EQ(stack_depot_stats().stacks - stored_before, uint32_t(kStacks));
  for (int k = 0; k < kStacks; k += 101)
    EXPECT_TRUE(same(stack_depot_copy(ids[0][k]), make_stack(base + uintptr_t(k) * 4096, 1 + k % kShortStackDepth)));
}

// Full stacks (the unwound stack of a new edge): any length, deduplicated,
// read back exactly; a prefix is a different stack.
TEST(StackDepot, FullStacksOfAnyLength) {
  std::vector<uintptr_t> deep(300);
  for (size_t i = 0; i < deep.size(); ++i) deep[i] = 0x7000000 + i * 8;
  uint32_t id = stack_depot_put_pcs(deep.data(), deep.size());
  ASSERT_NE(id, 0u);
  EXPECT_EQ(stack_depot_put_pcs(deep.data(), deep.size()), id);
  uint32_t prefix = stack_depot_put_pcs(deep.data(), 10);
  EXPECT_NE(prefix, id);
  Vec<uintptr_t> back;
  stack_depot_append_pcs(id, &back);
  ASSERT_EQ(back.size(), deep.size());
  for (size_t i = 0; i < deep.size(); ++i) ASSERT_EQ(back[i], deep[i]);
  Vec<uintptr_t> none;
  EXPECT_EQ(stack_depot_put_pcs(deep.data(), 0), 0u);
  stack_depot_append_pcs(0, &none);
  EXPECT_TRUE(none.empty());
}

}  // namespace
}  // namespace interlock
