#include "sarif/Merge.h"
#include "sarif/SarifReader.h"

#include "TestSarif.h"

#include <gtest/gtest.h>

using namespace interlock::report;
using namespace interlock::report::testing;
using interlock::json::Value;

namespace {

std::vector<InputRun> runsOf(const std::vector<std::pair<std::string, std::string>> &logs) {
  std::vector<InputRun> out;
  for (const auto &[name, text] : logs)
    for (InputRun &r : parseSarif(name, text, "/src"))
      out.push_back(std::move(r));
  return out;
}

Value runtimeCycle(int a1, int a2, int b1, int b2, const std::string &fp) {
  return result("lock-order-inversion",
                {location("file:///src/a.c", a2, "ab"), location("file:///src/a.c", a1, "ab"),
                 location("file:///src/a.c", b1, "ba"), location("file:///src/a.c", b2, "ba")},
                fp);
}

std::string staticCycle(int a1, int a2, int b1, int b2) {
  return staticLog({result("lock-order-inversion", {location("a.c", a1, "ab", "SRCROOT")}, "s1", "c"),
                    result("lock-order-inversion", {location("a.c", a2, "ab", "SRCROOT")}, "s2", "c"),
                    result("lock-order-inversion", {location("a.c", b1, "ba", "SRCROOT")}, "s3", "c"),
                    result("lock-order-inversion", {location("a.c", b2, "ba", "SRCROOT")}, "s4", "c")});
}

const Finding *findRule(const MergedReport &r, const std::string &rule, Origin origin) {
  for (const Finding &f : r.findings)
    if (f.ruleId == rule && f.origin == origin)
      return &f;
  return nullptr;
}

} // namespace

TEST(Merge, SameFingerprintFromTwoRunsIsShownOnceNamingBoth) {
  Value results = Value::array();
  results.push(result("double-lock", {location("file:///src/a.c", 4, "f")}, "dl"));
  auto report = mergeRuns(runsOf({{"t1.sarif", runtimeLog({}, results)},
                                  {"t2.sarif", runtimeLog({}, results)}}),
                          MergeOptions{});
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].runs, (std::vector<std::string>{"t1.sarif", "t2.sarif"}));
  EXPECT_EQ(report.duplicatesRemoved, 1u);
}

TEST(Merge, DifferentFingerprintsStaySeparate) {
  Value r1 = Value::array(), r2 = Value::array();
  r1.push(result("double-lock", {location("file:///src/a.c", 4, "f")}, "dl1"));
  r2.push(result("double-lock", {location("file:///src/a.c", 9, "g")}, "dl2"));
  auto report = mergeRuns(runsOf({{"t1", runtimeLog({}, r1)}, {"t2", runtimeLog({}, r2)}}), {});
  EXPECT_EQ(report.findings.size(), 2u);
}

TEST(Merge, StaticCycleReportedAtRuntimeIsConfirmedAndShownOnce) {
  Value results = Value::array();
  results.push(runtimeCycle(10, 11, 20, 21, "rt"));
  auto report = mergeRuns(runsOf({{"static.sarif", staticCycle(10, 11, 20, 21)},
                                  {"run.sarif", runtimeLog({{"var:a", "var:b", 1, 10, 11, "ab"},
                                                            {"var:b", "var:a", 2, 20, 21, "ba"}},
                                                           results)}}),
                          {});
  ASSERT_EQ(report.findings.size(), 1u);
  const Finding &f = report.findings[0];
  EXPECT_EQ(f.origin, Origin::Static);
  EXPECT_TRUE(f.confirmed);
  EXPECT_EQ(f.runs, (std::vector<std::string>{"static.sarif", "run.sarif"}));
  EXPECT_EQ(f.fingerprint, parseSarif("s", staticCycle(10, 11, 20, 21), "/src")[0].findings[0].fingerprint)
      << "the static fingerprint is kept, so baselines survive";
  // Its edges are marked as seen by the static analysis too.
  for (const MergedEdge &e : report.graph.edges())
    EXPECT_TRUE(e.seenStatically);
}

TEST(Merge, StaticCycleWhoseEdgesRanInSeparateRunsIsConfirmedByTheCrossRunCycle) {
  auto report = mergeRuns(runsOf({{"static.sarif", staticCycle(10, 11, 20, 21)},
                                  {"ab.sarif", runtimeLog({{"var:a", "var:b", 1, 10, 11, "ab"}})},
                                  {"ba.sarif", runtimeLog({{"var:b", "var:a", 1, 20, 21, "ba"}})}}),
                          {});
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_TRUE(report.findings[0].confirmed);
  EXPECT_NE(report.findings[0].notes[0].find("split across runs"), std::string::npos);
}

TEST(Merge, StaticCycleAtOtherSitesIsNotConfirmedAndRuntimeCycleIsNoted) {
  Value results = Value::array();
  results.push(runtimeCycle(10, 11, 20, 21, "rt"));
  auto report = mergeRuns(runsOf({{"static.sarif", staticCycle(30, 31, 40, 41)},
                                  {"run.sarif", runtimeLog({{"var:a", "var:b", 1, 10, 11, "ab"},
                                                            {"var:b", "var:a", 2, 20, 21, "ba"}},
                                                           results)}}),
                          {});
  ASSERT_EQ(report.findings.size(), 2u);
  const Finding *st = findRule(report, "lock-order-inversion", Origin::Static);
  const Finding *rt = findRule(report, "lock-order-inversion", Origin::Runtime);
  ASSERT_TRUE(st && rt);
  EXPECT_FALSE(st->confirmed);
  EXPECT_TRUE(rt->runtimeOnly);
  EXPECT_NE(rt->notes[0].find("not reported by the static analysis"), std::string::npos);
}

TEST(Merge, RuntimeFindingsAreNotCalledRuntimeOnlyWithoutStaticInput) {
  Value results = Value::array();
  results.push(runtimeCycle(10, 11, 20, 21, "rt"));
  auto report = mergeRuns(runsOf({{"run.sarif", runtimeLog({}, results)}}), {});
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_FALSE(report.findings[0].runtimeOnly);
}

TEST(Merge, BaselineMarksKnownFindingsAndTheyDoNotFail) {
  auto inputs = [] {
    return runsOf({{"static.sarif", staticCycle(10, 11, 20, 21)},
                   {"ab.sarif", runtimeLog({{"var:x", "var:y", 1, 50, 51, "xy"}})},
                   {"ba.sarif", runtimeLog({{"var:y", "var:x", 1, 60, 61, "yx"}})}});
  };
  MergeOptions options;
  options.hasBaseline = true;
  auto first = mergeRuns(inputs(), {});
  ASSERT_EQ(first.findings.size(), 2u);
  for (const Finding &f : first.findings)
    if (f.origin == Origin::Static)
      options.baseline.insert(baselineKey(f));
  auto report = mergeRuns(inputs(), options);
  EXPECT_EQ(failingCount(report, "warning"), 1u);
  const Finding *cross = findRule(report, "lock-order-inversion", Origin::CrossRun);
  ASSERT_TRUE(cross);
  EXPECT_FALSE(cross->baselined);
  EXPECT_TRUE(findRule(report, "lock-order-inversion", Origin::Static)->baselined);
  // Baseline everything: nothing fails.
  options.baseline.insert(baselineKey(*cross));
  EXPECT_EQ(failingCount(mergeRuns(inputs(), options), "warning"), 0u);
}

TEST(Merge, FailOnLevelThresholds) {
  auto report = mergeRuns(runsOf({{"static.sarif", staticCycle(10, 11, 20, 21)}}), {});
  EXPECT_EQ(failingCount(report, "warning"), 1u);
  EXPECT_EQ(failingCount(report, "note"), 1u);
  EXPECT_EQ(failingCount(report, "error"), 0u);
  EXPECT_EQ(failingCount(report, "none"), 0u);
}

TEST(Merge, SuppressionsMatchFunctionsFilesAndLocks) {
  auto inputs = [] {
    return runsOf({{"ab.sarif", runtimeLog({{"var:lock_x", "var:lock_y", 1, 50, 51, "take_xy"}})},
                   {"ba.sarif", runtimeLog({{"var:lock_y", "var:lock_x", 1, 60, 61, "take_yx"}})}});
  };
  for (const char *line : {"lock-order-inversion:take_yx", "*:^/src/a.c$", "lock-order-*:lock_y",
                           "*:take_*"}) {
    MergeOptions options;
    options.suppressions = parseSuppressions("s.txt", line);
    auto report = mergeRuns(inputs(), options);
    ASSERT_EQ(report.findings.size(), 1u) << line;
    EXPECT_NE(report.findings[0].suppressedBy.find(line), std::string::npos) << line;
    EXPECT_EQ(failingCount(report, "warning"), 0u) << line;
  }
  for (const char *line : {"data-race:take_yx", "*:^take_y$", "*:other.c"}) {
    MergeOptions options;
    options.suppressions = parseSuppressions("s.txt", line);
    EXPECT_EQ(failingCount(mergeRuns(inputs(), options), "warning"), 1u) << line;
  }
}

TEST(Merge, MalformedSuppressionLineNamesFileAndLine) {
  try {
    parseSuppressions("sup.txt", "# ok\nrace:fine\nno colon here\n");
    FAIL();
  } catch (const InputError &e) {
    EXPECT_NE(std::string(e.what()).find("sup.txt:3"), std::string::npos);
  }
}

TEST(Merge, EveryRuleHasHelpText) {
  auto report = mergeRuns({}, {});
  ASSERT_FALSE(report.rules.empty());
  for (const RuleInfo &r : report.rules) {
    EXPECT_FALSE(r.help.empty()) << r.id;
    EXPECT_FALSE(r.shortDescription.empty()) << r.id;
  }
}

TEST(Merge, RuntimeFindingOutsideWhatTheStaticAnalysisCoveredIsNotCalledRuntimeOnly) {
  // The static log's SRCROOT is /src; this runtime cycle is in /other.
  Value results = Value::array();
  results.push(result("lock-order-inversion",
                      {location("file:///other/x.c", 5, "f"), location("file:///other/x.c", 6, "f")},
                      "rt"));
  auto report = mergeRuns(runsOf({{"static.sarif", staticCycle(10, 11, 20, 21)},
                                  {"run.sarif", runtimeLog({}, results)}}),
                          {});
  const Finding *rt = findRule(report, "lock-order-inversion", Origin::Runtime);
  ASSERT_TRUE(rt);
  EXPECT_FALSE(rt->runtimeOnly);
  EXPECT_TRUE(rt->notes.empty());
}
