#include "output/Output.h"

#include <gtest/gtest.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/JSON.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

#include <fstream>

using namespace interlock;

namespace {

// A scratch directory with source files, removed at the end of the test.
class ScratchDir {
public:
  ScratchDir() {
    llvm::SmallString<128> path;
    llvm::sys::fs::createUniqueDirectory("interlock-output-test", path);
    root_ = path.str().str();
  }
  ~ScratchDir() { llvm::sys::fs::remove_directories(root_); }
  std::string write(const std::string &name, const std::string &text) {
    std::string path = root_ + "/" + name;
    llvm::sys::fs::create_directories(llvm::sys::path::parent_path(path));
    std::ofstream(path) << text;
    return path;
  }
  const std::string &root() const { return root_; }

private:
  std::string root_;
};

Finding race(const std::string &file, unsigned line, const std::string &key) {
  Finding f;
  f.ruleId = "data-race";
  f.site = {file, line, 3, "worker"};
  f.message = "data race on `counter`";
  f.fingerprintKey = key;
  f.groupId = "race:" + key;
  f.notes.push_back({{file, line + 1, 3, "main"}, "conflicting write in main"});
  return f;
}

llvm::json::Value sarifOf(const Report &report) {
  std::string text;
  llvm::raw_string_ostream os(text);
  writeSarif(report, os);
  os.flush();
  auto parsed = llvm::json::parse(text);
  EXPECT_TRUE(bool(parsed)) << text;
  return parsed ? std::move(*parsed) : llvm::json::Value(nullptr);
}

Report prepared(std::vector<Finding> findings, ReportOptions options = {}) {
  auto report = prepareReport(std::move(findings), options);
  EXPECT_TRUE(bool(report));
  return report ? std::move(*report) : Report{};
}

} // namespace

TEST(Fingerprint, IgnoresLinesAndColumns) {
  Finding a = race("/src/a.cpp", 10, "data-race|counter|worker");
  Finding b = race("/src/a.cpp", 42, "data-race|counter|worker");
  b.site.column = 9;
  EXPECT_EQ(fingerprintOf(a), fingerprintOf(b));
  EXPECT_EQ(fingerprintOf(a).size(), 32u);
}

TEST(Fingerprint, DependsOnRuleAndKey) {
  Finding a = race("/src/a.cpp", 10, "counter");
  Finding b = race("/src/a.cpp", 10, "other");
  Finding c = a;
  c.ruleId = "double-lock";
  EXPECT_NE(fingerprintOf(a), fingerprintOf(b));
  EXPECT_NE(fingerprintOf(a), fingerprintOf(c));
}

TEST(Fingerprint, FallsBackToFunctionAndMessageWithoutKey) {
  Finding a = race("/src/a.cpp", 10, "");
  Finding b = race("/src/a.cpp", 99, "");
  EXPECT_EQ(fingerprintOf(a), fingerprintOf(b));
  b.site.function = "other";
  EXPECT_NE(fingerprintOf(a), fingerprintOf(b));
}

TEST(Suppressions, ParsesRulesAndReason) {
  auto comments = parseSuppressions(
      "int a;\n"
      "x++; // interlock: ignore data-race -- benign statistics counter\n"
      "// interlock: ignore data-race, double-lock -- two rules\n"
      "y++; /* interlock: ignore all -- block comment */\n"
      "z++; // interlock: ignore data-race\n"
      "// the interlock: project is great (not a suppression)\n");
  ASSERT_EQ(comments.size(), 4u);
  EXPECT_EQ(comments[0].line, 2u);
  EXPECT_EQ(comments[0].reason, "benign statistics counter");
  EXPECT_TRUE(comments[0].covers("data-race"));
  EXPECT_FALSE(comments[0].covers("double-lock"));
  EXPECT_TRUE(comments[1].covers("double-lock"));
  EXPECT_TRUE(comments[1].covers("data-race"));
  EXPECT_TRUE(comments[2].covers("lock-order-inversion"));
  EXPECT_EQ(comments[2].reason, "block comment");
  EXPECT_TRUE(comments[3].reason.empty());
}

TEST(Report, SuppressionOnLineOrLineBeforeWithReason) {
  ScratchDir dir;
  std::string file = dir.write("a.cpp",
                               "void f() {\n"
                               "  a++; // interlock: ignore data-race -- ok\n"
                               "  // interlock: ignore all -- ok too\n"
                               "  b++;\n"
                               "  c++; // interlock: ignore double-lock -- other rule\n"
                               "}\n");
  Report report = prepared({race(file, 2, "a"), race(file, 4, "b"), race(file, 5, "c")});
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].finding.site.line, 5u);
  EXPECT_EQ(report.suppressed, 2u);
}

TEST(Report, SuppressionWithoutReasonIsAnErrorAndSuppressesNothing) {
  ScratchDir dir;
  std::string file = dir.write("a.cpp", "void f() {\n  a++; // interlock: ignore data-race\n}\n");
  Report report = prepared({race(file, 2, "a")});
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.suppressed, 0u);
  bool sawInvalid = false, sawRace = false;
  for (auto &f : report.findings) {
    sawInvalid |= f.finding.ruleId == "invalid-suppression" && f.finding.level == "error";
    sawRace |= f.finding.ruleId == "data-race";
  }
  EXPECT_TRUE(sawInvalid);
  EXPECT_TRUE(sawRace);
}

TEST(Report, InvalidSuppressionFoundInAnalyzedFileWithoutFindings) {
  ScratchDir dir;
  std::string file = dir.write("quiet.cpp", "int x; // interlock: ignore all\n");
  ReportOptions options;
  options.analyzedFiles = {file};
  Report report = prepared({}, options);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].finding.ruleId, "invalid-suppression");
}

TEST(Report, ExcludesGlobsAndSystemHeaders) {
  ScratchDir dir;
  std::string vendored = dir.write("third_party/lib/x.cpp", "x\n");
  std::string own = dir.write("src/y.cpp", "y\n");
  ReportOptions options;
  options.sourceRoot = dir.root();
  options.excludeGlobs = {"third_party"};
  Report report = prepared({race(vendored, 1, "v"), race(own, 1, "o"),
                            race("/usr/include/c++/12/bits/std_mutex.h", 5, "s")},
                           options);
  ASSERT_EQ(report.findings.size(), 1u);
  EXPECT_EQ(report.findings[0].finding.site.file, own);
  EXPECT_EQ(report.excluded, 2u);

  options.excludeGlobs = {"*/lib/*.cpp"};
  EXPECT_EQ(prepared({race(vendored, 1, "v")}, options).findings.size(), 0u);
  options.excludeGlobs = {"src/**"};
  EXPECT_EQ(prepared({race(own, 1, "o")}, options).findings.size(), 0u);
}

TEST(Report, BadGlobIsAnError) {
  ReportOptions options;
  options.excludeGlobs = {"["};
  auto report = prepareReport({}, options);
  ASSERT_FALSE(bool(report));
  EXPECT_NE(llvm::toString(report.takeError()).find("invalid --exclude glob"),
            std::string::npos);
}

TEST(Report, BaselineMarksKnownFindingsAndOnlyNewOnesCount) {
  Finding known = race("/nonexistent/a.cpp", 3, "known");
  Finding fresh = race("/nonexistent/a.cpp", 8, "fresh");
  ReportOptions options;
  options.baseline = std::set<std::string>{fingerprintOf(known)};
  Report report = prepared({known, fresh}, options);
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.newFindings(), 1u);
  EXPECT_TRUE(report.findings[0].baselined);
  EXPECT_FALSE(report.findings[1].baselined);

  llvm::json::Value sarif = sarifOf(report);
  const llvm::json::Array *results =
      sarif.getAsObject()->getArray("runs")->front().getAsObject()->getArray("results");
  ASSERT_EQ(results->size(), 2u);
  EXPECT_EQ(*(*results)[0].getAsObject()->getString("baselineState"), "unchanged");
  EXPECT_EQ(*(*results)[1].getAsObject()->getString("baselineState"), "new");
}

TEST(Baseline, ReadsFingerprintsOfEverySarifRun) {
  ScratchDir dir;
  std::string path = dir.write(
      "base.sarif",
      R"({"version":"2.1.0","runs":[{"results":[{"partialFingerprints":{"interlock/v1":"aa"}}]},)"
      R"({"results":[{"partialFingerprints":{"interlock/v1":"bb"}},{"ruleId":"x"}]}]})");
  auto prints = loadBaseline(path);
  ASSERT_TRUE(bool(prints));
  EXPECT_EQ(*prints, (std::set<std::string>{"aa", "bb"}));
}

TEST(Baseline, RejectsMissingAndMalformedFiles) {
  ScratchDir dir;
  auto missing = loadBaseline(dir.root() + "/none.sarif");
  ASSERT_FALSE(bool(missing));
  EXPECT_NE(llvm::toString(missing.takeError()).find("cannot use baseline"), std::string::npos);
  auto notJson = loadBaseline(dir.write("bad.sarif", "{oops"));
  ASSERT_FALSE(bool(notJson));
  llvm::consumeError(notJson.takeError());
  auto notSarif = loadBaseline(dir.write("other.json", "{\"a\":1}"));
  ASSERT_FALSE(bool(notSarif));
  EXPECT_NE(llvm::toString(notSarif.takeError()).find("no \"runs\""), std::string::npos);
}

TEST(Sarif, HasToolRulesLocationsAndFingerprints) {
  ScratchDir dir;
  std::string file = dir.write("src/a b.cpp", "int counter;\nvoid f() { counter++; }\n");
  Finding f = race(file, 2, "counter");
  f.notes.push_back({{"/elsewhere/x.cpp", 7, 1, ""}, "thread entry"});
  ReportOptions options;
  options.sourceRoot = dir.root();
  Report report = prepared({f}, options);
  report.translationUnits = 1;
  report.errors.push_back({dir.root() + "/src/broken.cpp", "expected ';'"});
  llvm::json::Value sarif = sarifOf(report);
  const llvm::json::Object *root = sarif.getAsObject();
  EXPECT_EQ(*root->getString("version"), "2.1.0");
  const llvm::json::Object *run = root->getArray("runs")->front().getAsObject();
  const llvm::json::Object *driver = run->getObject("tool")->getObject("driver");
  EXPECT_EQ(*driver->getString("name"), "interlock-check");
  std::set<std::string> ruleIds;
  for (const auto &rule : *driver->getArray("rules")) {
    ruleIds.insert(rule.getAsObject()->getString("id")->str());
    EXPECT_TRUE(rule.getAsObject()->getObject("help")->getString("text"));
  }
  EXPECT_TRUE(ruleIds.count("data-race") && ruleIds.count("lock-order-inversion") &&
              ruleIds.count("double-lock"));
  EXPECT_EQ(*run->getObject("originalUriBaseIds")->getObject("SRCROOT")->getString("uri"),
            "file://" + dir.root() + "/");

  const llvm::json::Object *result = run->getArray("results")->front().getAsObject();
  EXPECT_EQ(*result->getString("ruleId"), "data-race");
  const llvm::json::Object *physical = result->getArray("locations")
                                           ->front()
                                           .getAsObject()
                                           ->getObject("physicalLocation");
  EXPECT_EQ(*physical->getObject("artifactLocation")->getString("uri"), "src/a%20b.cpp");
  EXPECT_EQ(*physical->getObject("artifactLocation")->getString("uriBaseId"), "SRCROOT");
  EXPECT_EQ(*physical->getObject("region")->getInteger("startLine"), 2);
  const llvm::json::Array *related = result->getArray("relatedLocations");
  ASSERT_EQ(related->size(), 2u);
  const llvm::json::Object *outside = (*related)[1].getAsObject();
  EXPECT_EQ(*outside->getObject("message")->getString("text"), "thread entry");
  EXPECT_EQ(*outside->getObject("physicalLocation")
                 ->getObject("artifactLocation")
                 ->getString("uri"),
            "file:///elsewhere/x.cpp");
  EXPECT_EQ(*result->getObject("partialFingerprints")->getString("interlock/v1"),
            fingerprintOf(f));
  EXPECT_EQ(*result->getObject("properties")->getString("groupId"), "race:counter");
  EXPECT_FALSE(result->get("baselineState"));

  const llvm::json::Array *notifications = run->getArray("invocations")
                                               ->front()
                                               .getAsObject()
                                               ->getArray("toolExecutionNotifications");
  ASSERT_EQ(notifications->size(), 1u);
}

TEST(Text, ClangStyleWithSourceLineCaretNotesAndSummary) {
  ScratchDir dir;
  std::string file = dir.write("a.cpp", "int counter;\nvoid f() {\n  counter++;\n  g();\n}\n");
  Finding f = race(file, 3, "counter");
  Finding cycle = f;
  cycle.ruleId = "lock-order-inversion";
  cycle.site.line = 4;
  cycle.fingerprintKey = "cycle";
  Report report = prepared({f, cycle});
  report.translationUnits = 2;
  report.suppressed = 1;
  std::string text;
  llvm::raw_string_ostream os(text);
  writeText(report, os);
  os.flush();
  // The scratch directory is outside the working directory: paths stay absolute.
  EXPECT_NE(text.find(file + ":3:3: warning: data race on `counter` [data-race]\n"
                             "    3 |   counter++;\n"
                             "      |   ^\n" +
                      file + ":4:3: note: conflicting write in main\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2 findings (1 data-race, 1 lock-order-inversion) in 2 translation "
                      "units; 1 suppressed\n"),
            std::string::npos)
      << text;
}

TEST(Text, SummaryCountsBaselinedAndFailedUnits) {
  Report report;
  report.translationUnits = 1;
  report.baselineGiven = true;
  ReportedFinding old;
  old.finding = race("/x.cpp", 1, "k");
  old.baselined = true;
  report.findings.push_back(old);
  report.errors.push_back({"/b.cpp", "error"});
  EXPECT_EQ(summaryLine(report), "0 new findings in 1 translation unit; 1 baselined (not "
                                 "shown), 1 translation unit could not be analyzed");
}

TEST(Report, SortsAndDeduplicatesFindingsFromSharedHeaders) {
  Finding a = race("/nonexistent/h.h", 9, "k");
  Finding b = race("/nonexistent/a.cpp", 2, "j");
  Report report = prepared({a, b, a});
  ASSERT_EQ(report.findings.size(), 2u);
  EXPECT_EQ(report.findings[0].finding.site.file, "/nonexistent/a.cpp");
}

TEST(SourceRoot, CommonDirectoryOfFiles) {
  EXPECT_EQ(commonSourceRoot({"/a/b/c.cpp", "/a/b/d/e.cpp"}), "/a/b");
  EXPECT_EQ(commonSourceRoot({"/a/b/c.cpp", "/a/bx/e.cpp"}), "/a");
  EXPECT_EQ(commonSourceRoot({"/a/c.cpp", "/z/e.cpp"}), "/");
  EXPECT_EQ(commonSourceRoot({}), "");
}
