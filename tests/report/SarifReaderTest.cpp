#include "sarif/SarifReader.h"

#include "TestSarif.h"

#include <gtest/gtest.h>

using namespace interlock::report;
using namespace interlock::report::testing;

TEST(SarifReader, GroupsStaticPerSiteResultsIntoOneFinding) {
  std::string log = staticLog({
      result("lock-order-inversion", {location("lib/a.c", 10, "f", "SRCROOT")}, "fp1", "cycle-1"),
      result("lock-order-inversion", {location("lib/a.c", 20, "g", "SRCROOT")}, "fp2", "cycle-1"),
      result("data-race", {location("lib/b.c", 5, "h", "SRCROOT")}, "fp3", "race-1"),
  });
  auto runs = parseSarif("static.sarif", log, "/elsewhere");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].origin, Origin::Static);
  ASSERT_EQ(runs[0].findings.size(), 2u);
  const Finding &cycle = runs[0].findings[0];
  ASSERT_EQ(cycle.sites.size(), 2u);
  EXPECT_EQ(cycle.sites[0].path, "/src/lib/a.c"); // resolved through SRCROOT
  EXPECT_EQ(cycle.sites[1].line, 20);
  EXPECT_EQ(cycle.sites[1].function, "g");
  // The group's fingerprint combines its members', independent of their order.
  std::string swapped = staticLog({
      result("lock-order-inversion", {location("lib/a.c", 20, "g", "SRCROOT")}, "fp2", "cycle-1"),
      result("lock-order-inversion", {location("lib/a.c", 10, "f", "SRCROOT")}, "fp1", "cycle-1"),
  });
  EXPECT_EQ(parseSarif("s2", swapped, "/")[0].findings[0].fingerprint, cycle.fingerprint);
  EXPECT_EQ(runs[0].findings[1].fingerprint, "fp3");
}

TEST(SarifReader, ReadsRuntimeLockGraph) {
  std::string log = runtimeLog({{"var:a", "var:b", 3, 11, 12, "take_ab", false, {"var:g"}}});
  auto runs = parseSarif("run.sarif", log, "/");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].origin, Origin::Runtime);
  ASSERT_TRUE(runs[0].hasLockGraph);
  ASSERT_EQ(runs[0].locks.size(), 2u);
  ASSERT_EQ(runs[0].edges.size(), 1u);
  const LockEdge &e = runs[0].edges[0];
  EXPECT_EQ(e.from, "var:a");
  EXPECT_EQ(e.thread, 3);
  EXPECT_EQ(e.fromSite.path, "/src/a.c");
  EXPECT_EQ(e.toSite.line, 12);
  EXPECT_EQ(e.gates, std::vector<std::string>{"var:g"});
}

TEST(SarifReader, RelativeUriWithoutBaseUsesFallbackRoot) {
  std::string log = staticLog({result("data-race", {location("x/y.c", 3, "f")}, "fp")});
  EXPECT_EQ(parseSarif("s", log, "/proj")[0].findings[0].sites[0].path, "/proj/x/y.c");
}

TEST(SarifReader, MissingFingerprintIsComputedWithoutLineNumbers) {
  auto withLine = [](int line) {
    std::string log = staticLog({result("data-race", {location("x.c", line, "f")}, "")});
    // result() always sets a fingerprint; drop it.
    auto v = interlock::json::parse(log);
    v.find("runs")->items()[0].find("results")->items()[0].set("partialFingerprints",
                                                                 interlock::json::Value::object());
    return parseSarif("s", interlock::json::serialize(v), "/")[0].findings[0].fingerprint;
  };
  EXPECT_FALSE(withLine(3).empty());
  EXPECT_EQ(withLine(3), withLine(30)); // an edit above the site keeps the fingerprint
}

TEST(SarifReader, BadInputsNameTheFileAndTheProblem) {
  auto message = [](const std::string &text) {
    try {
      parseSarif("in.sarif", text, "/");
    } catch (const InputError &e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("{\"runs\": [").find("in.sarif: not valid JSON"), std::string::npos);
  EXPECT_NE(message("[]").find("not a SARIF log"), std::string::npos);
  EXPECT_NE(message("{\"version\":\"2.0.0\",\"runs\":[]}").find("only 2.1.0"), std::string::npos);
  EXPECT_NE(message("{\"runs\":[{\"results\":[]}]}").find("tool.driver.name"), std::string::npos);
  EXPECT_NE(message("{\"runs\":[{\"tool\":{\"driver\":{\"name\":\"x\"}},\"results\":[{}]}]}")
                .find("no ruleId"),
            std::string::npos);
}

TEST(SarifReader, WrongTypesInsideAResultAreToleratedNotFatal) {
  // Code scanning tools emit odd but valid JSON; a string where an array is
  // expected must not crash the merge, only lose that part.
  std::string log = R"({"version":"2.1.0","runs":[{"tool":{"driver":{"name":"other-tool","rules":{}}},
    "results":[{"ruleId":"r","locations":"oops","relatedLocations":[1,null,{"physicalLocation":7}],
                "partialFingerprints":[],"stacks":{}}],
    "properties":{"lockGraph":{"locks":{},"edges":"none"}}}]})";
  auto runs = parseSarif("odd.sarif", log, "/");
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].findings.size(), 1u);
  EXPECT_FALSE(runs[0].findings[0].fingerprint.empty());
  EXPECT_TRUE(runs[0].hasLockGraph);
  EXPECT_TRUE(runs[0].edges.empty());
}
