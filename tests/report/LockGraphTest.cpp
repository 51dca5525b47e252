#include "graph/LockGraph.h"
#include "sarif/SarifReader.h"

#include "TestSarif.h"

#include <gtest/gtest.h>

using namespace interlock::report;
using namespace interlock::report::testing;

namespace {

MergedLockGraph graphOf(const std::vector<std::vector<EdgeSpec>> &runs) {
  MergedLockGraph graph;
  for (size_t i = 0; i < runs.size(); ++i)
    for (const InputRun &run :
         parseSarif("run" + std::to_string(i + 1) + ".sarif", runtimeLog(runs[i]), "/"))
      graph.addRun(run);
  return graph;
}

} // namespace

TEST(LockGraph, FindsCycleSplitAcrossTwoRuns) {
  auto graph = graphOf({{{"var:a", "var:b", 1, 10, 11, "ab"}}, {{"var:b", "var:a", 1, 20, 21, "ba"}}});
  CrossRunResult r = findCrossRunCycles(graph, 100);
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding &f = r.findings[0];
  EXPECT_EQ(f.ruleId, "lock-order-inversion");
  EXPECT_EQ(f.origin, Origin::CrossRun);
  EXPECT_EQ(f.cycleLocks, (std::vector<std::string>{"var:a", "var:b"}));
  EXPECT_EQ(f.runs, (std::vector<std::string>{"run1.sarif", "run2.sarif"}));
  ASSERT_EQ(f.sites.size(), 4u); // held + acquired site of each edge
  EXPECT_EQ(f.sites[0].line, 10);
  EXPECT_EQ(f.sites[3].line, 21);
  EXPECT_NE(f.message.find("no single run"), std::string::npos);
}

TEST(LockGraph, CycleSeenWithinOneRunIsLeftToThatRun) {
  auto graph = graphOf({{{"var:a", "var:b", 1, 10, 11}, {"var:b", "var:a", 2, 20, 21}}});
  CrossRunResult r = findCrossRunCycles(graph, 100);
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.cyclesExamined, 1u);
}

TEST(LockGraph, ThreeLockCycleOverThreeRunsNamesEveryRun) {
  auto graph = graphOf({{{"var:a", "var:b", 1, 1, 2}},
                        {{"var:b", "var:c", 1, 3, 4}},
                        {{"var:c", "var:a", 1, 5, 6}, {"var:a", "var:z", 1, 7, 8}}});
  CrossRunResult r = findCrossRunCycles(graph, 100);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].cycleLocks, (std::vector<std::string>{"var:a", "var:b", "var:c"}));
  EXPECT_EQ(r.findings[0].runs.size(), 3u);
}

TEST(LockGraph, CommonGateLockMakesTheCycleHarmless) {
  auto graph = graphOf({{{"var:g", "var:a", 1, 1, 2}, {"var:a", "var:b", 1, 2, 3, "f", false, {"var:g"}}},
                        {{"var:g", "var:b", 1, 4, 5}, {"var:b", "var:a", 1, 5, 6, "f", false, {"var:g"}}}});
  CrossRunResult r = findCrossRunCycles(graph, 100);
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.excused.size(), 1u);
  EXPECT_NE(r.excused[0].second.find("gate lock g"), std::string::npos);
}

TEST(LockGraph, GateOnlyOnOneSideDoesNotExcuse) {
  auto graph = graphOf({{{"var:a", "var:b", 1, 2, 3, "f", false, {"var:g"}}},
                        {{"var:b", "var:a", 1, 5, 6}}});
  EXPECT_EQ(findCrossRunCycles(graph, 100).findings.size(), 1u);
}

TEST(LockGraph, TryLockOfFirstLockStillDeadlocks) {
  // (try a, b) vs (b, a): a was try-locked, but b is then acquired blocking.
  // (The runtime records no edge into a try-locked lock, which cannot block.)
  auto graph = graphOf({{{"var:a", "var:b", 1, 2, 3, "f", true}}, {{"var:b", "var:a", 1, 5, 6}}});
  CrossRunResult r = findCrossRunCycles(graph, 100);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_NE(r.findings[0].sites[0].message.find("by try-lock"), std::string::npos);
}

TEST(LockGraph, ReadersDoNotBlockReaders) {
  // T1: a, then rw shared. T2: rw shared, then a. Both hold/want rw shared.
  EdgeSpec intoRw{"var:a", "var:rw", 1, 2, 3};
  intoRw.toRead = true;
  EdgeSpec outOfRw{"var:rw", "var:a", 1, 5, 6};
  outOfRw.fromRead = true;
  CrossRunResult r = findCrossRunCycles(graphOf({{intoRw}, {outOfRw}}), 100);
  EXPECT_TRUE(r.findings.empty());
  ASSERT_EQ(r.excused.size(), 1u);
  EXPECT_NE(r.excused[0].second.find("shared"), std::string::npos);
}

TEST(LockGraph, WriterSideOfRwlockStillDeadlocks) {
  // T2 holds rw exclusively: T1's shared request blocks.
  EdgeSpec intoRw{"var:a", "var:rw", 1, 2, 3};
  intoRw.toRead = true;
  EdgeSpec outOfRw{"var:rw", "var:a", 1, 5, 6};
  EXPECT_EQ(findCrossRunCycles(graphOf({{intoRw}, {outOfRw}}), 100).findings.size(), 1u);
}

TEST(LockGraph, SelfEdgesAreNotOrderingEdges) {
  auto graph = graphOf({{{"var:a", "var:a", 1, 2, 3}}});
  EXPECT_TRUE(graph.edges().empty());
}

TEST(LockGraph, CycleBoundIsReportedNotSilent) {
  // A complete graph on 6 locks, edges spread over two runs: many cycles.
  std::vector<EdgeSpec> one, two;
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 6; ++j)
      if (i != j)
        ((i < j) ? one : two)
            .push_back({"var:l" + std::to_string(i), "var:l" + std::to_string(j), 1, i, j});
  auto graph = graphOf({one, two});
  CrossRunResult bounded = findCrossRunCycles(graph, 5);
  EXPECT_EQ(bounded.cyclesExamined, 5u);
  ASSERT_EQ(bounded.degraded.size(), 1u);
  EXPECT_NE(bounded.degraded[0].find("--max-cycles"), std::string::npos);
  CrossRunResult full = findCrossRunCycles(graph, 100000);
  EXPECT_TRUE(full.degraded.empty());
  EXPECT_GT(full.findings.size(), 5u);
}

TEST(LockGraph, ManyLocksInOneLongCycleAreHandled) {
  // No fixed limit on cycle length: a 300-lock ring split over two runs.
  std::vector<EdgeSpec> one, two;
  const int n = 300;
  for (int i = 0; i < n; ++i)
    ((i % 2) ? one : two).push_back({"var:m" + std::to_string(i), "var:m" + std::to_string((i + 1) % n), 1, i, i + 1});
  auto graph = graphOf({one, two});
  CrossRunResult r = findCrossRunCycles(graph, 10);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].cycleLocks.size(), static_cast<size_t>(n));
}
