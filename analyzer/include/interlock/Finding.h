// The contract between the analysis stages (facts/program/findings) and the
// output stage (output/, driver/): what a finding is once the analysis is done.
// Nothing here refers to the AST: findings outlive every translation unit.
#pragma once

#include <string>
#include <vector>

namespace interlock {

/// A place in user source. `file` is an absolute, normalized path.
struct SourceSite {
  std::string file;
  unsigned line = 0;
  unsigned column = 0;
  std::string function; ///< enclosing function, human-readable ("Account::deposit")
};

/// A secondary location: the other access of a racing pair, a thread entry,
/// the call chain that makes a lock-order edge, where a lock was acquired...
struct FindingNote {
  SourceSite site;
  std::string message;
};

struct Finding {
  /// "data-race" | "lock-order-inversion" | "double-lock" | "unresolved-lock"
  std::string ruleId;
  /// "error" | "warning" | "note" (SARIF levels)
  std::string level = "warning";
  SourceSite site;          ///< primary location: where the diagnostic goes
  std::string message;      ///< one line, self-contained
  std::vector<FindingNote> notes;
  /// Stable identity for baselines: rule, function, access path, locks; never
  /// line numbers, so a finding keeps its key when unrelated lines move.
  std::string fingerprintKey;
  /// Findings that belong together (both accesses of one race, all sites of one
  /// cycle) share a group id, so output can show them as one result.
  std::string groupId;
};

} // namespace interlock
