// Lock-order graph and cycle finder: cycles of every length, and the
// precision rules (gate lock, single thread, reader locks, retirement).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/lock_graph.h"

namespace interlock {
namespace {

struct Occ {
  uint64_t from, to;
  uint32_t tid;
  std::vector<uint64_t> gates;
  bool from_read = false, to_read = false;
};

class GraphTest : public ::testing::Test {
 protected:
  // Adds an occurrence; returns the number of edges of the reported cycle (0: none).
  size_t add(const Occ &o) {
    EdgeOccurrence occ;
    occ.from = o.from;
    occ.to = o.to;
    occ.tid = o.tid;
    occ.gates = o.gates.data();
    occ.gate_count = uint32_t(o.gates.size());
    occ.from_read = o.from_read;
    occ.to_read = o.to_read;
    Cycle cycle;
    if (!graph.add_occurrence(occ, &cycle)) return 0;
    last_single_thread = cycle.single_thread;
    for (size_t i = 0; i < cycle.edges.size(); ++i)  // the cycle really is one
      EXPECT_EQ(cycle.edges[i]->to, cycle.edges[(i + 1) % cycle.edges.size()]->from);
    return cycle.edges.size();
  }
  LockGraph graph;
  bool last_single_thread = false;
};

TEST_F(GraphTest, TwoThreadInversionIsReportedOnce) {
  EXPECT_EQ(add({1, 2, 1}), 0u);
  EXPECT_EQ(add({2, 1, 2}), 2u);
  EXPECT_FALSE(last_single_thread);
  EXPECT_EQ(add({2, 1, 2}), 0u);  // known edge, nothing new
  EXPECT_EQ(add({1, 2, 3}), 0u);  // a third thread: same cycle, already reported
}

TEST_F(GraphTest, ConsistentOrderHasNoCycle) {
  for (uint32_t t = 1; t <= 4; ++t) {
    EXPECT_EQ(add({1, 2, t}), 0u);
    EXPECT_EQ(add({2, 3, t}), 0u);
    EXPECT_EQ(add({1, 3, t}), 0u);
  }
  EXPECT_EQ(graph.stats().edges, 3u);
}

TEST_F(GraphTest, DiamondIsNotACycle) {
  EXPECT_EQ(add({1, 2, 1}), 0u);
  EXPECT_EQ(add({1, 3, 2}), 0u);
  EXPECT_EQ(add({2, 4, 1}), 0u);
  EXPECT_EQ(add({3, 4, 2}), 0u);
}

TEST_F(GraphTest, RingsOfEveryLengthUpTo64) {
  uint64_t base = 1000;
  for (uint64_t n = 2; n <= 64; ++n) {
    for (uint64_t i = 0; i + 1 < n; ++i) ASSERT_EQ(add({base + i, base + i + 1, uint32_t(i + 1)}), 0u) << n;
    ASSERT_EQ(add({base + n - 1, base, uint32_t(n)}), n) << "ring of " << n;
    base += 1000;
  }
}

TEST_F(GraphTest, LongRingOfTenThousandLocks) {
  const uint64_t n = 10000;
  for (uint64_t i = 0; i + 1 < n; ++i) ASSERT_EQ(add({i + 1, i + 2, uint32_t(i % 7 + 1)}), 0u);
  EXPECT_EQ(add({n, 1, 99}), n);
}

TEST_F(GraphTest, SingleThreadCycleIsNotReportedByDefault) {
  EXPECT_EQ(add({1, 2, 5}), 0u);
  EXPECT_EQ(add({2, 1, 5}), 0u);
  // A second thread taking one of the edges makes it a real inversion.
  EXPECT_EQ(add({2, 1, 6}), 2u);
}

TEST_F(GraphTest, SingleThreadCycleReportedAsNoteWhenAsked) {
  graph.set_report_single_thread(true);
  EXPECT_EQ(add({1, 2, 5}), 0u);
  EXPECT_EQ(add({2, 1, 5}), 2u);
  EXPECT_TRUE(last_single_thread);
}

TEST_F(GraphTest, CommonGateLockSuppressesTheCycle) {
  const uint64_t gate = 9;
  EXPECT_EQ(add({1, 2, 1, {gate}}), 0u);
  EXPECT_EQ(add({2, 1, 2, {gate}}), 0u);
  // Later the same order without the gate: now it can deadlock.
  EXPECT_EQ(add({2, 1, 3, {}}), 2u);
}

TEST_F(GraphTest, DifferentGatesDoNotProtect) {
  EXPECT_EQ(add({1, 2, 1, {8}}), 0u);
  EXPECT_EQ(add({2, 1, 2, {9}}), 2u);
}

TEST_F(GraphTest, ReadersDoNotBlockReaders) {
  // R1 and R2 read-held / read-acquired in both orders: no deadlock.
  EXPECT_EQ(add({1, 2, 1, {}, true, true}), 0u);
  EXPECT_EQ(add({2, 1, 2, {}, true, true}), 0u);
  // A writer in one direction makes the cycle real.
  EXPECT_EQ(add({2, 1, 3, {}, false, false}), 2u);
}

TEST_F(GraphTest, ReadAcquisitionBlockedByWriteHolder) {
  // T1 holds R (write) and wants M; T2 holds M and wants R for reading.
  EXPECT_EQ(add({1, 2, 1, {}, false, false}), 0u);
  EXPECT_EQ(add({2, 1, 2, {}, false, true}), 2u);
}

TEST_F(GraphTest, RetiredLockTakesItsEdgesAlong) {
  EXPECT_EQ(add({1, 2, 1}), 0u);
  graph.retire_lock(2);  // the memory of lock 2 died; 3 is a new lock there
  EXPECT_EQ(graph.find_edge(1, 2), nullptr);
  EXPECT_EQ(add({3, 1, 2}), 0u);
  EXPECT_EQ(graph.stats().edges, 1u);
}

TEST_F(GraphTest, KnownEdgeCheckIsExactAboutNews) {
  EXPECT_EQ(add({1, 2, 1, {7}}), 0u);
  Edge *edge = graph.find_edge(1, 2);
  ASSERT_NE(edge, nullptr);
  uint64_t gate = 7, other = 8;
  EdgeOccurrence same;
  same.from = 1;
  same.to = 2;
  same.tid = 1;
  same.gates = &gate;
  same.gate_count = 1;
  EXPECT_TRUE(LockGraph::occurrence_is_known(edge, same));
  EdgeOccurrence other_thread = same;
  other_thread.tid = 2;
  EXPECT_FALSE(LockGraph::occurrence_is_known(edge, other_thread));
  EdgeOccurrence fewer_gates = same;
  fewer_gates.gates = &other;
  EXPECT_FALSE(LockGraph::occurrence_is_known(edge, fewer_gates));
}

TEST_F(GraphTest, ManyRetirementsKeepTheTableSmall) {
  // new/delete in a loop: every generation is a new pair of identities.
  for (uint64_t g = 0; g < 20000; ++g) {
    uint64_t a = 2 * g + 1, b = 2 * g + 2;
    ASSERT_EQ(add({g % 2 ? a : b, g % 2 ? b : a, uint32_t(g % 3 + 1)}), 0u);
    graph.retire_lock(a);
    graph.retire_lock(b);
  }
  EXPECT_EQ(graph.stats().edges, 0u);
  EXPECT_EQ(graph.stats().nodes, 0u);
}

// Retiring identities rebuilds the edge table to drop tombstones. That must
// reuse the table when the live edges fit it (it used to leak a table per
// rebuild: ~0.5 KiB per retired identity, e.g. per short-lived thread with a
// lock of its own), and lock-free lookups must still find the live edges.
TEST_F(GraphTest, RetirementsDoNotLeakTables) {
  const uint64_t keep_from = 1u << 30, keep_to = keep_from + 1;
  ASSERT_EQ(add({keep_from, keep_to, 1}), 0u);
  auto churn = [&](uint64_t first, uint64_t count) {
    for (uint64_t g = first; g < first + count; ++g) {
      uint64_t a = 2 * g + 1, b = 2 * g + 2;
      ASSERT_EQ(add({a, b, uint32_t(g % 3 + 1)}), 0u);
      graph.retire_lock(a);
      graph.retire_lock(b);
    }
  };
  churn(0, 6000);  // past the edge quarantine (4096 retired edges kept)
  size_t before = internal_allocated_bytes();
  churn(6000, 20000);
  size_t after = internal_allocated_bytes();
  EXPECT_LT(after, before + 64 * 1024) << "before " << before << " after " << after;
  Edge *kept = graph.find_edge(keep_from, keep_to);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->from, keep_from);
  EXPECT_EQ(kept->to, keep_to);
  EXPECT_EQ(graph.stats().edges, 1u);
}

// Lock-free readers racing with in-place rebuilds: find_edge may miss an edge
// for a moment (the caller then takes the graph lock), but never returns an
// edge other than the one asked for.
TEST_F(GraphTest, LookupsDuringRebuildsNeverReturnAWrongEdge) {
  const uint64_t keep_from = 1u << 30, keep_to = keep_from + 1;
  ASSERT_EQ(add({keep_from, keep_to, 1}), 0u);
  std::atomic<bool> done{false}, started{false};
  std::atomic<uint64_t> wrong{0}, found{0};
  std::thread reader([&] {
    uint64_t g = 0;
    started.store(true);
    do {
      if (Edge *e = graph.find_edge(keep_from, keep_to)) {
        if (e->from != keep_from || e->to != keep_to) wrong.fetch_add(1);
        else found.fetch_add(1);
      }
      uint64_t a = 2 * (g % 20000) + 1;  // pairs being added and retired meanwhile
      if (Edge *e = graph.find_edge(a, a + 1))
        if (e->from != a || e->to != a + 1) wrong.fetch_add(1);
      ++g;
    } while (!done.load(std::memory_order_relaxed));
  });
  // On a loaded machine the writer could finish before the reader runs once.
  while (!started.load()) std::this_thread::yield();
  for (uint64_t g = 0; g < 20000; ++g) {
    uint64_t a = 2 * g + 1, b = 2 * g + 2;
    add({a, b, 2});
    graph.retire_lock(a);
    graph.retire_lock(b);
  }
  done.store(true);
  reader.join();
  EXPECT_EQ(wrong.load(), 0u);
  EXPECT_GT(found.load(), 0u);
  EXPECT_NE(graph.find_edge(keep_from, keep_to), nullptr);
}

}  // namespace
}  // namespace interlock
