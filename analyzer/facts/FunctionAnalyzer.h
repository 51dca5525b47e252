// Per-function analysis: a forward must-hold lockset dataflow over Clang's CFG
// that records accesses, acquisitions, calls, thread spawns and joins.
#pragma once

#include "facts/TUFacts.h"
#include "interlock/AnalyzerConfig.h"

#include <map>
#include <set>
#include <string>

namespace clang {
class ASTContext;
class Decl;
class FunctionDecl;
} // namespace clang

namespace interlock {

/// Lock effects of a function that outlive it (user-written lock wrappers),
/// expressed relative to its parameters / `this` / globals.
struct WrapperSummary {
  std::vector<LockEffect> acquires;
  std::vector<LockEffect> releases;
  bool operator==(const WrapperSummary &o) const;
};

/// What the analysis of one TU shares between its functions.
struct TUContext {
  clang::ASTContext &ast;
  const AnalyzerConfig &config;
  /// Wrapper summaries known in this TU, by USR (grown to a fixed point).
  std::map<std::string, WrapperSummary> wrappers;
  /// USRs of the functions (constructors and destructors included) whose lock
  /// effects were looked up while their body is not in this TU: the TU must
  /// be analyzed again when the summary of one of them changes.
  std::set<std::string> externalCallees;
};

std::string usrOf(const clang::Decl *decl);

/// Analyzes one function body. The wrapper summary it computes is returned
/// through `summary`.
FunctionFacts analyzeFunction(const clang::FunctionDecl *fn, TUContext &tu,
                              WrapperSummary &summary);

} // namespace interlock
