// Recycling the states of destroyed locks (lock_registry.h,
// quarantine_destroyed_lock): a destroyed lock's state stays at its address
// while in the quarantine (so invalid-mutex is still seen), is reused only
// after leaving it, and then carries a new identity with none of the dead
// identity's graph edges.
#include <gtest/gtest.h>

#include <pthread.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "common/options.h"
#include "core/detectors.h"
#include "core/lock_graph.h"
#include "core/lock_registry.h"

namespace interlock {
namespace {

// Sets lock_quarantine for one test.
class QuarantineLimit {
 public:
  explicit QuarantineLimit(long limit) : saved_(options().lock_quarantine) {
    mutable_options().lock_quarantine = limit;
  }
  ~QuarantineLimit() { mutable_options().lock_quarantine = saved_; }

 private:
  long saved_;
};

// A pthread mutex at an address no lock had before in this process: only
// recycling can give it an old state. (Heap memory would not do: other tests
// of this binary leave live lock states at addresses they freed, and a new
// lock there re-uses that state in place, as it should.)
pthread_mutex_t *new_mutex() {
  static pthread_mutex_t pool[1 << 14];
  static size_t used;
  if (used == sizeof(pool) / sizeof(pool[0])) abort();  // a test needs a bigger pool
  pthread_mutex_t *mutex = &pool[used++];
  pthread_mutex_init(mutex, nullptr);
  return mutex;
}

// What the interceptor does for a successful pthread_mutex_destroy
// (events.cpp, on_destroyed), without the stack capture.
LockState *destroy(pthread_mutex_t *mutex) {
  LockState *state = lookup_mutex(mutex);
  EXPECT_EQ(pthread_mutex_destroy(mutex), 0);
  EXPECT_FALSE(state->destroyed.exchange(true));
  quarantine_destroyed_lock(state);
  return state;
}

// Empties the free list and the quarantine left by earlier tests in this
// process, so that "the next new lock gets state X" is exact.
void drain_recycled_states() {
  QuarantineLimit none(0);
  pthread_mutex_t *kick = new_mutex();
  lookup_mutex(kick);
  destroy(kick);  // pushes every quarantined entry out
  while (lock_recycling_stats().free_states) lookup_mutex(new_mutex());
}

TEST(LockRecycling, QuarantinedStateIsNotReused) {
  drain_recycled_states();
  QuarantineLimit limit(4);
  std::vector<pthread_mutex_t *> destroyed;
  std::set<LockState *> quarantined;
  for (int i = 0; i < 4; ++i) {
    destroyed.push_back(new_mutex());
    quarantined.insert(destroy(destroyed.back()));
  }
  EXPECT_EQ(lock_recycling_stats().free_states, 0u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(quarantined.count(lookup_mutex(new_mutex())), 0u) << i;
  // Still found at its address, still destroyed: a lock now is invalid-mutex.
  LockState *first = lookup_mutex(destroyed[0]);
  EXPECT_TRUE(quarantined.count(first));
  EXPECT_TRUE(first->destroyed.load());
  EXPECT_EQ(first->address, reinterpret_cast<uintptr_t>(destroyed[0]));
  uint64_t first_id = first->id;

  // One more destroy pushes the oldest out; the next new lock gets its state.
  destroy(new_mutex());
  EXPECT_EQ(lock_recycling_stats().free_states, 1u);
  EXPECT_EQ(find_lock(destroyed[0]), nullptr);
  pthread_mutex_t *fresh = new_mutex();
  LockState *reused = lookup_mutex(fresh);
  EXPECT_EQ(reused, first);
  EXPECT_GT(reused->id, first_id);
  EXPECT_EQ(reused->address, reinterpret_cast<uintptr_t>(fresh));
  EXPECT_FALSE(reused->destroyed.load());
  EXPECT_EQ(lookup_mutex(fresh), reused);  // the new tag decodes to it
  // The dead mutex's memory still holds the old tag: it must not decode to
  // the recycled state (that address is not the new lock's).
  EXPECT_EQ(registry_detail::decode_tag(reinterpret_cast<uint64_t>(destroyed[0]->__data.__list.__next),
                                        reinterpret_cast<uintptr_t>(destroyed[0])),
            nullptr);
  // A use of it now still finds it destroyed (glibc's destroyed marker,
  // __kind == -1), only without the destroy stack.
  LockState *late = lookup_mutex(destroyed[0]);
  EXPECT_NE(late, reused);
  EXPECT_TRUE(late->destroyed.load());
  EXPECT_EQ(late->destroy_site, 0u);
}

// The state comes back to the very address it had: a new tag (new id), so
// the old tag value no longer decodes.
TEST(LockRecycling, StateRecycledAtTheSameAddressHasANewTag) {
  drain_recycled_states();
  QuarantineLimit none(0);
  pthread_mutex_t *mutex = new_mutex();
  LockState *state = lookup_mutex(mutex);
  uint64_t old_id = state->id;
  uint64_t old_tag = state->tag;
  destroy(mutex);
  EXPECT_EQ(find_lock(mutex), nullptr);
  pthread_mutex_init(mutex, nullptr);  // zeroes the tag field; no rebirth call needed
  LockState *again = lookup_mutex(mutex);
  EXPECT_EQ(again, state);
  EXPECT_NE(again->id, old_id);
  EXPECT_NE(again->tag, old_tag);
  EXPECT_EQ(registry_detail::decode_tag(old_tag, reinterpret_cast<uintptr_t>(mutex)), nullptr);
}

// A recycled state is a new identity and the dead lock's edges are gone. The
// dead pair was taken A then B; the new pair, taken first then second like
// every pair of this (consistent) program, lands in the states of B then A
// (the free list is newest first). Had the states kept their ids, that edge
// would close a false lock-order cycle with the dead pair's.
TEST(LockRecycling, RecycledStateHasNewIdAndNoEdgesOfTheDeadLock) {
  LockGraph &graph = lock_graph();  // installs the retire hook
  drain_recycled_states();
  QuarantineLimit none(0);
  auto add_edge = [&](LockState *from, LockState *to) {
    EdgeOccurrence occ;
    occ.from_lock = from;
    occ.to_lock = to;
    occ.from = from->id;
    occ.to = to->id;
    occ.tid = 1;
    Cycle cycle;
    return graph.add_occurrence(occ, &cycle);
  };
  pthread_mutex_t *a = new_mutex();
  pthread_mutex_t *b = new_mutex();
  LockState *sa = lookup_mutex(a);
  LockState *sb = lookup_mutex(b);
  uint64_t dead_a = sa->id, dead_b = sb->id;
  size_t edges_before = graph.stats().edges;
  EXPECT_FALSE(add_edge(sa, sb));
  EXPECT_EQ(graph.stats().edges, edges_before + 1);
  EXPECT_NE(graph.node(dead_a), nullptr);
  destroy(a);
  destroy(b);
  EXPECT_EQ(graph.stats().edges, edges_before);  // retired with the recycled states
  EXPECT_EQ(graph.node(dead_a), nullptr);
  EXPECT_EQ(graph.node(dead_b), nullptr);

  pthread_mutex_t *first = new_mutex();
  pthread_mutex_t *second = new_mutex();
  LockState *s_first = lookup_mutex(first);    // newest free state: b's
  LockState *s_second = lookup_mutex(second);  // then a's
  EXPECT_EQ(s_first, sb);
  EXPECT_EQ(s_second, sa);
  EXPECT_NE(s_first->id, dead_b);
  EXPECT_NE(s_second->id, dead_a);
  EXPECT_GT(s_first->id, dead_b);
  EXPECT_FALSE(add_edge(s_first, s_second)) << "a false cycle through the dead identities";
  EXPECT_EQ(graph.find_edge(dead_a, dead_b), nullptr);
}

// Re-initialised while in the quarantine: the state is the live lock's again,
// and its (stale) quarantine entry must not recycle it.
TEST(LockRecycling, RebornInQuarantineIsNotRecycled) {
  drain_recycled_states();
  QuarantineLimit limit(1);
  pthread_mutex_t *mutex = new_mutex();
  LockState *state = destroy(mutex);
  pthread_mutex_init(mutex, nullptr);
  rebirth_lock(mutex);
  LockState *reborn = lookup_mutex(mutex);
  ASSERT_EQ(reborn, state);
  EXPECT_FALSE(reborn->destroyed.load());
  uint64_t live_id = reborn->id;
  destroy(new_mutex());  // pushes the stale entry out
  EXPECT_EQ(lookup_mutex(mutex), state);
  EXPECT_EQ(state->id, live_id);
  EXPECT_EQ(find_lock(mutex), state);
  EXPECT_EQ(lock_recycling_stats().free_states, 0u);
  for (int i = 0; i < 10; ++i) EXPECT_NE(lookup_mutex(new_mutex()), state);
}

// Destroyed while the model says it is held (a rwlock: glibc's destroy does
// not check), or watched by a liveness detector: somebody keeps a pointer,
// so the state is left at its address.
TEST(LockRecycling, HeldOrWatchedStateIsNotRecycled) {
  drain_recycled_states();
  QuarantineLimit none(0);
  pthread_mutex_t *held = new_mutex();
  pthread_mutex_t *watched = new_mutex();
  LockState *held_state = lookup_mutex(held);
  LockState *watched_state = lookup_mutex(watched);
  held_state->owner.store(7);
  watched_state->liveness_watch.fetch_add(1);
  destroy(held);
  destroy(watched);
  EXPECT_EQ(lock_recycling_stats().free_states, 0u);
  EXPECT_EQ(find_lock(held), held_state);
  EXPECT_EQ(find_lock(watched), watched_state);
  held_state->owner.store(0);
  watched_state->liveness_watch.fetch_sub(1);
}

// The same identity queued twice (two destroys reaching the registry) is
// recycled once.
TEST(LockRecycling, DoubleQuarantineRecyclesOnce) {
  drain_recycled_states();
  QuarantineLimit limit(2);
  pthread_mutex_t *mutex = new_mutex();
  pthread_mutex_t *others[2] = {new_mutex(), new_mutex()};
  lookup_mutex(others[0]);  // their states exist before the recycling starts
  lookup_mutex(others[1]);
  LockState *state = destroy(mutex);
  quarantine_destroyed_lock(state);  // second entry, same identity
  destroy(others[0]);
  destroy(others[1]);  // both entries of `state` are out now
  EXPECT_EQ(lock_recycling_stats().free_states, 1u);
  LockState *first = lookup_mutex(new_mutex());
  EXPECT_EQ(first, state);
  EXPECT_NE(lookup_mutex(new_mutex()), state);
}

// Threads creating, using and destroying locks while states are recycled
// under them: every lookup of a live lock finds a state at its own address
// with the identity it had, and no identity is ever handed out twice.
TEST(LockRecycling, ConcurrentChurnKeepsIdentities) {
  QuarantineLimit limit(8);
  constexpr int kThreads = 2, kRounds = 3000, kAlive = 4;
  std::atomic<int> failures{0};
  std::vector<std::vector<uint64_t>> ids(kThreads);
  auto churn = [&](int thread) {
    std::vector<std::unique_ptr<pthread_mutex_t>> keep;  // distinct addresses
    for (int round = 0; round < kRounds; ++round) {
      pthread_mutex_t *alive[kAlive];
      uint64_t alive_ids[kAlive];
      for (int i = 0; i < kAlive; ++i) {
        keep.emplace_back(new pthread_mutex_t);
        alive[i] = keep.back().get();
        pthread_mutex_init(alive[i], nullptr);
        LockState *state = lookup_mutex(alive[i]);
        alive_ids[i] = state->id;
        ids[thread].push_back(state->id);
        if (state->address != reinterpret_cast<uintptr_t>(alive[i]) || state->destroyed.load()) ++failures;
      }
      for (int i = 0; i < kAlive; ++i) {
        LockState *state = lookup_mutex(alive[i]);
        if (state->id != alive_ids[i] || state->address != reinterpret_cast<uintptr_t>(alive[i])) ++failures;
      }
      for (int i = 0; i < kAlive; ++i) {
        LockState *state = lookup_mutex(alive[i]);
        pthread_mutex_destroy(alive[i]);
        if (!state->destroyed.exchange(true)) quarantine_destroyed_lock(state);
      }
    }
  };
  RecyclingStats before = lock_recycling_stats();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back(churn, t);
  for (auto &thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  std::set<uint64_t> distinct;
  for (auto &list : ids) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), size_t(kThreads) * kRounds * kAlive);
  RecyclingStats after = lock_recycling_stats();
  // 24,000 locks, at most the quarantine and one round's locks alive at once:
  // nearly all states are reused.
  EXPECT_GT(after.reuses - before.reuses, uint64_t(kThreads) * kRounds * kAlive / 2);
  EXPECT_LT(after.fresh_states - before.fresh_states, 1000u);
}

}  // namespace
}  // namespace interlock
