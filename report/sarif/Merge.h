// Merging: inputs -> one de-duplicated list of findings.
//
// Stages, in order: de-duplicate by fingerprint; find the cycles only the
// merged lock graph shows; correlate static findings with what the runtime
// observed (confirmed / runtime-only, shown once); apply suppressions and the
// baseline.
#pragma once

#include "graph/LockGraph.h"
#include "sarif/Model.h"

#include <set>
#include <string>
#include <vector>

namespace interlock::report {

// One line of a suppressions file: `RULE:PATTERN`, TSan style.
struct Suppression {
  std::string rule;    // glob on ruleId ("*" for any)
  std::string pattern; // matched against functions, files, lock names
  std::string text;    // the line as written, for the report
};

// Throws InputError (naming file and line) on a malformed line.
std::vector<Suppression> parseSuppressions(const std::string &name, const std::string &text);
std::vector<Suppression> loadSuppressions(const std::string &path);
// Substring match unless anchored with ^ or $; '*' and '?' are wildcards.
bool suppressionPatternMatches(const std::string &pattern, const std::string &text);

struct MergeOptions {
  bool hasBaseline = false;
  std::set<std::string> baseline; // baselineKey()s
  std::vector<Suppression> suppressions;
  size_t maxCycles = 1000;
};

struct InputSummary {
  std::string name, tool;
  Origin origin = Origin::Runtime;
  size_t findings = 0;
  bool hasLockGraph = false;
};

struct MergedReport {
  std::vector<InputSummary> inputs;
  std::vector<Finding> findings; // sorted: most severe first
  MergedLockGraph graph;
  std::vector<RuleInfo> rules;       // every rule an input declared, plus built-ins
  std::vector<std::string> degraded; // bounds hit by any tool or by the merge
  std::vector<std::string> notes;    // e.g. cycles judged harmless, and why
  bool hasStatic = false;
  // What the static inputs covered (files, or root directories).
  std::vector<std::string> staticFiles, staticRoots;
  bool hasRuntime = false;
  bool hasBaseline = false;
  size_t duplicatesRemoved = 0;
};

MergedReport mergeRuns(std::vector<InputRun> runs, const MergeOptions &options);

// Findings that count (not suppressed or baselined) at or above `failOn`.
size_t failingCount(const MergedReport &report, const std::string &failOn);

// Help text for the rules every Interlock tool may emit.
const std::vector<RuleInfo> &builtinRules();

} // namespace interlock::report
