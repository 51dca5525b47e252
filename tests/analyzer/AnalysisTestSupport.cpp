#include "AnalysisTestSupport.h"

#include <clang/Frontend/FrontendAction.h>
#include <clang/Tooling/Tooling.h>

#include <map>
#include <set>
#include <sstream>

namespace interlock::test {

const char *const kPrelude =
    "#include <mutex>\n#include <shared_mutex>\n#include <thread>\n#include <future>\n"
    "#include <atomic>\n#include <vector>\n#include <map>\n#include <condition_variable>\n"
    "#include <pthread.h>\n";
const char *const kCWorkerTwiceMain = R"(
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, worker, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
)";
const char *const kCPrelude = "#include <pthread.h>\n#include <stddef.h>\n";

namespace {

std::string fileName(size_t index, const Snippet &s) {
  return "/interlock-test/tu" + std::to_string(index) + (s.language == "c" ? ".c" : ".cpp");
}

std::string fullCode(const Snippet &s) {
  return std::string(s.language == "c" ? kCPrelude : kPrelude) + s.code;
}

} // namespace

namespace {
TUFactsPtr analyzeSnippet(size_t index, const Snippet &snippet, const AnalyzerConfig &config) {
  TUFactsPtr facts = newFacts();
  std::vector<std::string> args = {"-resource-dir=" INTERLOCK_CLANG_RESOURCE_DIR, "-pthread",
                                   "-Wno-everything"};
  if (snippet.language == "c") {
    args.insert(args.begin(), {"-x", "c", "-std=c11"});
  } else {
    args.insert(args.begin(), "-std=c++20");
  }
  bool ok = clang::tooling::runToolOnCodeWithArgs(
      makeFactsAction(*facts, config), fullCode(snippet), args,
      fileName(index, snippet));
  EXPECT_TRUE(ok) << "snippet " << index << " does not compile";
  return facts;
}
} // namespace

std::vector<Finding> analyzeSnippets(const std::vector<Snippet> &tus,
                                     const AnalyzerConfig &config, CrossTUFixedPoint *passes,
                                     unsigned maxPasses) {
  std::vector<TUFactsPtr> all;
  for (size_t i = 0; i < tus.size(); ++i)
    all.push_back(analyzeSnippet(i, tus[i], config));
  // As the driver: wrappers defined in other TUs, to a fixed point.
  auto reanalyze = [&](const std::vector<size_t> &indexes, const AnalyzerConfig &withWrappers) {
    std::vector<TUFactsPtr> fresh;
    for (size_t i : indexes)
      fresh.push_back(analyzeSnippet(i, tus[i], withWrappers));
    return fresh;
  };
  CrossTUFixedPoint made = completeCrossTUWrappers(all, config, reanalyze, maxPasses);
  if (passes)
    *passes = made;
  return analyzeProgram(std::move(all), config);
}

std::vector<Finding> ofRule(const std::vector<Finding> &findings, const std::string &rule) {
  std::vector<Finding> out;
  for (const Finding &f : findings)
    if (f.ruleId == rule)
      out.push_back(f);
  return out;
}

std::string checkMarkers(const std::vector<Snippet> &tus, const std::vector<Finding> &findings) {
  struct Rule {
    const char *marker;
    const char *ruleId;
  };
  const Rule rules[] = {{"RACE", "data-race"},
                        {"DEADLOCK", "lock-order-inversion"},
                        {"DOUBLELOCK", "double-lock"}};
  std::ostringstream problems;
  for (const Rule &rule : rules) {
    std::set<std::pair<std::string, unsigned>> expected, actual;
    std::map<std::pair<std::string, unsigned>, std::string> messages;
    for (size_t i = 0; i < tus.size(); ++i) {
      std::istringstream lines(fullCode(tus[i]));
      std::string line;
      for (unsigned n = 1; std::getline(lines, line); ++n) {
        std::string marker = std::string("// ") + rule.marker;
        size_t at = line.find(marker);
        bool negated = line.find(std::string("// NO") + rule.marker) != std::string::npos;
        if (at != std::string::npos && !negated) {
          std::string rest = line.substr(at + marker.size());
          if (rest.empty() || rest[0] == ' ' || rest[0] == '\t')
            expected.insert({fileName(i, tus[i]), n});
        }
      }
    }
    for (const Finding &f : findings)
      if (f.ruleId == rule.ruleId) {
        actual.insert({f.site.file, f.site.line});
        messages[{f.site.file, f.site.line}] = f.message;
      }
    for (const auto &e : expected)
      if (!actual.count(e))
        problems << "missing " << rule.ruleId << " at " << e.first << ":" << e.second << "\n";
    for (const auto &a : actual)
      if (!expected.count(a))
        problems << "unexpected " << rule.ruleId << " at " << a.first << ":" << a.second << ": "
                 << messages[a] << "\n";
  }
  return problems.str();
}

::testing::AssertionResult markersMatch(const std::vector<Snippet> &tus,
                                        const AnalyzerConfig &config) {
  std::vector<Finding> findings = analyzeSnippets(tus, config);
  std::string problems = checkMarkers(tus, findings);
  if (problems.empty())
    return ::testing::AssertionSuccess();
  std::ostringstream all;
  for (const Finding &f : findings) {
    all << "  " << f.ruleId << " " << f.site.file << ":" << f.site.line << " " << f.message
        << "\n";
    for (const FindingNote &n : f.notes)
      all << "      note " << n.site.line << ": " << n.message << "\n";
  }
  return ::testing::AssertionFailure() << problems << "all findings:\n" << all.str();
}

} // namespace interlock::test
