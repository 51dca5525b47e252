// The stack depot: one stored copy per distinct stack, short or full, named
// by a 32-bit id that stays valid (and lock-free readable) for ever.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "core/stack_depot.h"

namespace interlock {
namespace {

ShortStack make_stack(uintptr_t base, int depth) {
  ShortStack stack{};
  for (int i = 0; i < depth; ++i) stack.pc[i] = base + uintptr_t(i) * 16;
  stack.depth = uint32_t(depth);
  return stack;
}

ShortStack make_stack_of(const std::vector<uintptr_t> &pcs) {
  ShortStack stack{};
  for (size_t i = 0; i < pcs.size(); ++i) stack.pc[i] = pcs[i];
  stack.depth = uint32_t(pcs.size());
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

std::vector<uintptr_t> frames_of(uint32_t id) {
  Vec<uintptr_t> out;
  stack_depot_append_pcs(id, &out);
  return std::vector<uintptr_t>(out.begin(), out.end());
}

std::vector<uintptr_t> make_pcs(uintptr_t base, size_t count) {
  std::vector<uintptr_t> pcs(count);
  for (size_t i = 0; i < count; ++i) pcs[i] = base + i * 8;
  return pcs;
}

// One store: a short stack is a stack of at most kShortStackDepth frames, so
// storing its frames as a full stack names the same stored stack, and either
// reader sees it.
TEST(StackDepot, ShortAndFullStacksShareOneStore) {
  ShortStack stack = make_stack(0x8000000, 3);
  uint32_t id = stack_depot_put(stack);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(stack_depot_put_pcs(stack.pc, stack.depth), id);
  EXPECT_EQ(frames_of(id), std::vector<uintptr_t>(stack.pc, stack.pc + 3));
  std::vector<uintptr_t> six = make_pcs(0x8100000, kShortStackDepth);
  uint32_t full_id = stack_depot_put_pcs(six.data(), six.size());
  const ShortStack *view = stack_depot_get(full_id);
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->depth, uint32_t(kShortStackDepth));
  EXPECT_EQ(std::vector<uintptr_t>(view->pc, view->pc + view->depth), six);
}

// A stack deeper than a ShortStack has no ShortStack to point at; a copy
// keeps its first kShortStackDepth frames.
TEST(StackDepot, DeepStackHasNoShortView) {
  std::vector<uintptr_t> deep = make_pcs(0x8200000, kShortStackDepth + 1);
  uint32_t id = stack_depot_put_pcs(deep.data(), deep.size());
  ASSERT_NE(id, 0u);
  EXPECT_EQ(stack_depot_get(id), nullptr);
  ShortStack copy = stack_depot_copy(id);
  ASSERT_EQ(copy.depth, uint32_t(kShortStackDepth));
  EXPECT_EQ(std::vector<uintptr_t>(copy.pc, copy.pc + copy.depth),
            std::vector<uintptr_t>(deep.begin(), deep.begin() + kShortStackDepth));
  EXPECT_EQ(frames_of(id), deep);
}

// Memory per stored stack: a short stack takes one 64-byte line (what the
// short-stack store took before the stores were merged), a full stack its
// 16-byte header and frames rounded up to whole lines; a repeat takes
// nothing.
TEST(StackDepot, MemoryPerStoredStack) {
  struct Case {
    size_t frames;
    size_t bytes;
  };
  const Case cases[] = {{1, 64}, {kShortStackDepth, 64}, {kShortStackDepth + 1, 128}, {30, 256}, {31, 320}};
  static uintptr_t run = 0;  // fresh stacks on every run (--gtest_repeat)
  uintptr_t base = 0x9000000 + ++run * 0x10000000ull;
  for (const Case &c : cases) {
    std::vector<uintptr_t> pcs = make_pcs(base += 0x100000, c.frames);
    StackDepotStats before = stack_depot_stats();
    ASSERT_NE(stack_depot_put_pcs(pcs.data(), pcs.size()), 0u);
    ASSERT_NE(stack_depot_put_pcs(pcs.data(), pcs.size()), 0u);
    StackDepotStats after = stack_depot_stats();
    EXPECT_EQ(after.stacks - before.stacks, 1u) << c.frames << " frames";
    EXPECT_EQ(after.bytes_used - before.bytes_used, c.bytes) << c.frames << " frames";
    EXPECT_GE(after.bytes_mapped, after.bytes_used);
  }
}

// A stack larger than one block of the store (4096 lines, 32k frames) gets
// a reservation of its own; the stacks stored before and after it stay
// readable.
TEST(StackDepot, StackLargerThanABlock) {
  ShortStack before = make_stack(0xa000000, 2);
  uint32_t before_id = stack_depot_put(before);
  std::vector<uintptr_t> huge = make_pcs(0xa100000, 100000);
  uint32_t id = stack_depot_put_pcs(huge.data(), huge.size());
  ASSERT_NE(id, 0u);
  EXPECT_EQ(stack_depot_put_pcs(huge.data(), huge.size()), id);
  ShortStack after = make_stack(0xa200000, 5);
  uint32_t after_id = stack_depot_put(after);
  ASSERT_NE(after_id, 0u);
  EXPECT_EQ(frames_of(id), huge);
  EXPECT_TRUE(same(stack_depot_copy(before_id), before));
  EXPECT_TRUE(same(stack_depot_copy(after_id), after));
  EXPECT_EQ(stack_depot_put(after), after_id);
}

// Writers storing short and full stacks of every length while readers
// check, without a lock, every id handed out so far.
TEST(StackDepot, ConcurrentMixedPutsAndReads) {
  const int kWriters = 3, kStacks = 6000;
  static uintptr_t run = 0;  // fresh stacks on every run (--gtest_repeat)
  const uintptr_t base = 0x20000000 + ++run * 0x1000000000ull;
  auto pcs_for = [&](int k) { return make_pcs(base + uintptr_t(k) * 0x10000, 1 + k % 40); };
  std::vector<std::atomic<uint32_t>> ids(kStacks);
  std::atomic<int> writers_done{0};
  std::atomic<long> bad_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kWriters; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kStacks; ++i) {
        int k = (i + t * 1999) % kStacks;
        std::vector<uintptr_t> pcs = pcs_for(k);
        uint32_t id = pcs.size() <= size_t(kShortStackDepth) && t == 0
                          ? stack_depot_put(make_stack_of(pcs))
                          : stack_depot_put_pcs(pcs.data(), pcs.size());
        uint32_t seen = 0;
        if (!ids[k].compare_exchange_strong(seen, id) && seen != id) bad_reads.fetch_add(1);
      }
      writers_done.fetch_add(1);
    });
  threads.emplace_back([&] {
    while (writers_done.load() < kWriters)
      for (int k = 0; k < kStacks; k += 7)
        if (uint32_t id = ids[k].load())
          if (frames_of(id) != pcs_for(k)) bad_reads.fetch_add(1);
  });
  for (auto &thread : threads) thread.join();
  EXPECT_EQ(bad_reads.load(), 0);
  std::set<uint32_t> distinct;
  for (int k = 0; k < kStacks; ++k) {
    ASSERT_NE(ids[k].load(), 0u);
    distinct.insert(ids[k].load());
    ASSERT_EQ(frames_of(ids[k].load()), pcs_for(k)) << k;
  }
  EXPECT_EQ(distinct.size(), size_t(kStacks));
}

}  // namespace
}  // namespace interlock
