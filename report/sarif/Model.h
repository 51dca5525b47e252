// The report driver's view of findings, independent of SARIF's spelling.
//
// Every input SARIF run (static analyzer or one runtime process) becomes an
// InputRun: its findings (per-site static results already grouped into one
// finding per race or cycle) and, for runtime runs, its lock-order graph.
#pragma once

#include "json/Json.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace interlock::report {

// One source position. `path` is absolute when the input said where its
// relative paths are rooted (SRCROOT or a file:// URI), else as given.
struct Site {
  std::string path;
  int line = 0;
  int column = 0;
  std::string function;
  std::string message; // what happened here ("acquires `b` while holding `a`")

  bool known() const { return !path.empty() && line > 0; }
};

// Same file and line; a relative path matches an absolute one ending in it.
bool sameFile(const std::string &a, const std::string &b);
bool samePlace(const Site &a, const Site &b);

enum class Origin { Static, Runtime, CrossRun };
const char *originName(Origin origin);

struct Finding {
  std::string ruleId;
  std::string level = "warning"; // error | warning | note
  std::string message;
  std::vector<Site> sites;       // primary site first
  std::string fingerprint;       // stable across runs and edits (no line numbers)
  Origin origin = Origin::Runtime;
  std::vector<std::string> runs; // input names that reported this finding
  json::Value stacks;            // SARIF stacks[] of the first runtime report, if any

  // Correlation between the halves.
  bool confirmed = false;       // static finding whose sites were observed at run time
  bool runtimeOnly = false;     // runtime finding the static analysis did not report
  std::vector<std::string> notes;

  // Why it does not count (empty: it counts).
  std::string suppressedBy; // e.g. "inline suppression in source", "suppressions file: rule:fn"
  bool baselined = false;   // fingerprint present in --baseline

  // Cross-run cycles: the lock ids along the cycle.
  std::vector<std::string> cycleLocks;

  bool counts() const { return suppressedBy.empty() && !baselined; }
};

// Lock-order graph of one runtime process, as written in
// runs[0].properties.lockGraph.
struct LockNode {
  std::string id;   // stable across processes: var:NAME or site:FILE:LINE
  std::string name; // display name
  std::string kind; // mutex | recursive_mutex | rwlock | spinlock
  Site site;
};

struct LockEdge {
  std::string from, to;
  int64_t thread = 0;
  Site fromSite, toSite;
  bool fromTry = false;  // `from` was taken with a try-lock (informational: the
                         // blocking acquisition of `to` is what can deadlock)
  bool fromRead = false; // `from` was held shared (reader side of an rwlock)
  bool toRead = false;   // `to` was acquired shared
  std::vector<std::string> gates; // other locks held for writing at the time
};

// SARIF levels by severity: error 3, warning 2, note 1, anything else 0.
int levelRank(const std::string &level);

// Two reports of one finding (the same finding from two inputs, or two
// sites of one static group) become one: the more severe level wins, and it
// stays suppressed only if both reports were suppressed, so nothing is lost.
void foldLevelAndSuppression(Finding &into, const Finding &other);

struct RuleInfo {
  std::string id;
  std::string shortDescription;
  std::string help;
};

struct InputRun {
  std::string name;     // file path, with "#N" when a file holds several runs
  std::string toolName; // tool.driver.name
  std::string toolVersion;
  Origin origin = Origin::Runtime;
  std::vector<Finding> findings;
  std::vector<RuleInfo> rules;
  bool hasLockGraph = false;
  std::vector<LockNode> locks;
  std::vector<LockEdge> edges;
  std::vector<std::string> degraded; // bounds the producing tool hit
  // Static runs: what was analyzed — the files of run.artifacts when listed,
  // else the SRCROOT directory. Empty: unknown.
  std::vector<std::string> analyzedFiles;
  std::string analyzedRoot;
};

} // namespace interlock::report
