#include "render/Render.h"
#include "sarif/SarifReader.h"
#include "sarif/SarifWriter.h"

#include "TestSarif.h"

#include <gtest/gtest.h>

using namespace interlock::report;
using namespace interlock::report::testing;
using interlock::json::Value;

namespace {

MergedReport crossRunReport(MergeOptions options = {}) {
  std::vector<InputRun> runs;
  for (auto &[name, log] : std::vector<std::pair<std::string, std::string>>{
           {"/out/ab.sarif", runtimeLog({{"var:a", "var:b", 1, 10, 11, "take_ab"}, {"var:b", "var:c", 1, 11, 12, "take_ab"}})},
           {"/out/ba.sarif", runtimeLog({{"var:b", "var:a", 1, 20, 21, "take_ba"}})}})
    for (InputRun &r : parseSarif(name, log, "/src"))
      runs.push_back(std::move(r));
  return mergeRuns(std::move(runs), options);
}

} // namespace

TEST(Render, DotHighlightsOnlyTheCycleEdges) {
  std::string dot = renderDot(crossRunReport());
  EXPECT_NE(dot.find("digraph"), std::string::npos);
  EXPECT_NE(dot.find("\"var:a\" -> \"var:b\" [label=\"ab.sarif\", color=red"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"var:b\" -> \"var:a\" [label=\"ba.sarif\", color=red"), std::string::npos) << dot;
  EXPECT_NE(dot.find("\"var:b\" -> \"var:c\" [label=\"ab.sarif\"];"), std::string::npos) << dot;
}

TEST(Render, SuppressedCycleIsNotHighlighted) {
  MergeOptions options;
  options.suppressions = parseSuppressions("s", "*:take_ba");
  std::string dot = renderDot(crossRunReport(options));
  EXPECT_EQ(dot.find("color=red"), std::string::npos) << dot;
}

TEST(Render, TextSaysWhatFailsAndWhy) {
  MergedReport report = crossRunReport();
  RenderContext ctx{"/src", "warning", failingCount(report, "warning"), false};
  std::string text = renderText(report, ctx);
  EXPECT_NE(text.find("warning: lock-order-inversion [cross-run]"), std::string::npos) << text;
  EXPECT_NE(text.find("a.c:10 in take_ab"), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL: 1 finding(s)"), std::string::npos) << text;
  ctx.failing = 0;
  EXPECT_NE(renderText(report, ctx).find("PASS"), std::string::npos);
}

TEST(Render, HtmlIsSelfContainedAndEscapes) {
  MergedReport report = crossRunReport();
  report.findings[0].message = "<script>alert(1)</script>";
  RenderContext ctx{"/src", "warning", 1, false};
  std::string html = renderHtml(report, ctx);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos); // nothing external
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_NE(html.find("<svg"), std::string::npos); // the cycle, built-in layout
  EXPECT_NE(html.find("id=\"summary\""), std::string::npos);
}

TEST(Render, CircularLayoutDrawsEveryNodeAndEdge) {
  std::string svg = circularSvg({"a", "b", "c"}, {{0, 1}, {1, 2}, {2, 0}}, {true, false, true});
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  size_t lines = 0, red = 0;
  for (size_t at = svg.find("<line"); at != std::string::npos; at = svg.find("<line", at + 1))
    ++lines;
  for (size_t at = svg.find("#c00"); at != std::string::npos; at = svg.find("#c00", at + 1))
    ++red;
  EXPECT_EQ(lines, 3u);
  EXPECT_EQ(red, 2u);
  EXPECT_NE(svg.find(">c</text>"), std::string::npos);
}

TEST(SarifWriter, WritesWhatCodeScanningNeeds) {
  MergeOptions options;
  options.hasBaseline = true;
  MergedReport report = crossRunReport(options);
  Value log = toSarif(report, "/src");
  EXPECT_EQ(log["version"].asString(), "2.1.0");
  const Value &run = log["runs"].items().at(0);
  EXPECT_EQ(run["tool"]["driver"]["name"].asString(), "interlock");
  EXPECT_FALSE(run["tool"]["driver"]["version"].asString().empty());
  EXPECT_EQ(run["originalUriBaseIds"]["SRCROOT"]["uri"].asString(), "file:///src/");
  ASSERT_EQ(run["results"].size(), 1u);
  const Value &result = run["results"].items()[0];
  EXPECT_EQ(result["ruleId"].asString(), "lock-order-inversion");
  const Value &rule = run["tool"]["driver"]["rules"].items().at(result["ruleIndex"].asInt());
  EXPECT_EQ(rule["id"].asString(), "lock-order-inversion");
  EXPECT_FALSE(rule["help"]["text"].asString().empty());
  const Value &artifact = result["locations"].items().at(0)["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"].asString(), "a.c");
  EXPECT_EQ(artifact["uriBaseId"].asString(), "SRCROOT");
  EXPECT_EQ(result["relatedLocations"].size(), 3u);
  EXPECT_EQ(result["partialFingerprints"]["interlock/v1"].asString().size(), 16u);
  EXPECT_EQ(result["baselineState"].asString(), "new");
  EXPECT_EQ(result["properties"]["origin"].asString(), "cross-run");
}

TEST(SarifWriter, MergedOutputReadsBackAsTheSameFindings) {
  MergedReport report = crossRunReport();
  std::string text = interlock::json::serialize(toSarif(report, "/src"));
  auto runs = parseSarif("merged.sarif", text, "/elsewhere");
  ASSERT_EQ(runs.size(), 1u);
  ASSERT_EQ(runs[0].findings.size(), 1u);
  EXPECT_EQ(runs[0].findings[0].fingerprint, report.findings[0].fingerprint);
  EXPECT_EQ(runs[0].findings[0].origin, Origin::CrossRun);
  EXPECT_EQ(runs[0].findings[0].sites[0].path, "/src/a.c");
  EXPECT_EQ(runs[0].edges.size(), 3u); // the merged graph travels along
}

TEST(SarifWriter, PathsOutsideTheSourceRootStayAbsolute) {
  MergedReport report = crossRunReport();
  Value log = toSarif(report, "/elsewhere");
  const Value &artifact = log["runs"].items()[0]["results"].items()[0]["locations"].items()[0]
                              ["physicalLocation"]["artifactLocation"];
  EXPECT_EQ(artifact["uri"].asString(), "file:///src/a.c");
  EXPECT_TRUE(artifact["uriBaseId"].isNull());
}
