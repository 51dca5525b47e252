// The output stage: what happens to the analysis' findings before a user sees
// them. In order (see prepareReport):
//   1. drop findings inside system headers and those matching --exclude globs,
//   2. apply in-source suppressions (`// interlock: ignore RULE -- reason`),
//      reporting suppressions without a reason as `invalid-suppression`,
//   3. compare fingerprints with a --baseline SARIF file,
// then render as clang-style text or SARIF 2.1.0.
// Nothing here needs the AST: findings are plain data (interlock/Finding.h).
#pragma once

#include "interlock/Finding.h"

#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace interlock {

// ---- fingerprints --------------------------------------------------------

/// The key used for `partialFingerprints["interlock/v1"]`: a hash of the rule
/// and the finding's fingerprintKey (never line numbers). When the analysis
/// left fingerprintKey empty, the enclosing function and the message stand in.
std::string fingerprintOf(const Finding &finding);

// ---- path filters --------------------------------------------------------

/// True for paths that belong to the system (compiler and libc headers):
/// nothing is ever reported there.
bool isSystemPath(llvm::StringRef absolutePath);

/// --exclude globs, matched against the primary site's path. A glob without
/// '/' matches any path component ("vendor", "*.pb.cc"); one with '/' matches
/// the absolute path or the path relative to the source root or the working
/// directory ("third_party/**", "*/generated/*"). Matching a directory
/// excludes everything below it.
class PathExcluder {
public:
  /// Fails with a message naming the bad glob.
  static llvm::Expected<PathExcluder> create(const std::vector<std::string> &globs,
                                             std::string sourceRoot);
  bool excludes(llvm::StringRef absolutePath) const;

private:
  struct Compiled;
  std::vector<std::shared_ptr<Compiled>> globs_;
  std::string sourceRoot_;
  std::string workingDirectory_;
};

// ---- in-source suppressions ---------------------------------------------

/// One `interlock: ignore ...` comment found in a source file.
struct SuppressionComment {
  unsigned line = 0;
  unsigned column = 0;
  std::set<std::string> rules; ///< rule ids, or "all"
  std::string reason;          ///< empty: invalid, suppresses nothing
  bool covers(llvm::StringRef ruleId) const {
    return rules.count("all") || rules.count(ruleId.str());
  }
};

/// Parses every suppression comment of one file's text.
std::vector<SuppressionComment> parseSuppressions(llvm::StringRef fileText);

/// Reads source files lazily, once each, and answers suppression queries.
class SuppressionIndex {
public:
  /// The valid suppression on `line` or the line before that covers `ruleId`.
  const SuppressionComment *find(const std::string &file, unsigned line,
                                 llvm::StringRef ruleId);
  /// Every suppression without a reason in `file`, as error findings.
  std::vector<Finding> invalidSuppressions(const std::string &file);

private:
  const std::vector<SuppressionComment> &commentsOf(const std::string &file);
  std::map<std::string, std::vector<SuppressionComment>> byFile_;
};

// ---- baseline ------------------------------------------------------------

/// Fingerprints of the results of an earlier SARIF file (any number of runs).
llvm::Expected<std::set<std::string>> loadBaseline(llvm::StringRef sarifPath);

// ---- the report ----------------------------------------------------------

struct ReportedFinding {
  Finding finding;
  std::string fingerprint;
  bool baselined = false; ///< present in the --baseline file
};

struct ReportOptions {
  std::vector<std::string> excludeGlobs;
  std::optional<std::set<std::string>> baseline; ///< set when --baseline given
  std::string sourceRoot;                        ///< absolute, no trailing '/'
  /// Main files analyzed: scanned for invalid suppressions even without findings.
  std::vector<std::string> analyzedFiles;
};

/// A translation unit that could not be analyzed, for the summary and for
/// SARIF's toolExecutionNotifications.
struct TUError {
  std::string file;
  std::string message;
};

struct Report {
  std::vector<ReportedFinding> findings; ///< shown, sorted by site
  unsigned suppressed = 0;
  unsigned excluded = 0;
  unsigned translationUnits = 0; ///< analyzed successfully
  std::vector<TUError> errors;
  std::string sourceRoot;
  bool baselineGiven = false;
  /// Findings that make the exit code 1: not baselined.
  unsigned newFindings() const;
};

/// Filters, suppresses and baselines `findings`; sorts the result by site.
/// Fails only on a bad --exclude glob.
llvm::Expected<Report> prepareReport(std::vector<Finding> findings,
                                     const ReportOptions &options);

/// The longest common directory of `files` (absolute paths), without a
/// trailing '/'; "/" when they share nothing.
std::string commonSourceRoot(const std::vector<std::string> &files);

/// Clang-style diagnostics, source line and caret, then the summary line.
void writeText(const Report &report, llvm::raw_ostream &os);
/// "3 findings (2 data-race, 1 lock-order-inversion) in 4 translation units"
std::string summaryLine(const Report &report);

/// SARIF 2.1.0 (one run).
void writeSarif(const Report &report, llvm::raw_ostream &os);

/// Description of one rule, for SARIF `rules` and for the docs.
struct RuleInfo {
  const char *id;
  const char *name;
  const char *shortDescription;
  const char *fullDescription;
  const char *help;
};
const std::vector<RuleInfo> &knownRules();

} // namespace interlock
