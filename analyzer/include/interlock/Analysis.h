// The analysis pipeline as the driver calls it:
//   per TU (in parallel, AST freed afterwards):  makeFactsConsumer -> TUFacts
//   once, over all TUs:                           analyzeProgram -> findings
#pragma once

#include "interlock/AnalyzerConfig.h"
#include "interlock/Finding.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace clang {
class ASTConsumer;
class FrontendAction;
} // namespace clang

namespace interlock {

/// Everything the whole-program stage needs from one translation unit:
/// per-function summaries (accesses, acquisitions, calls, lock effects),
/// thread spawns and joins. Plain data (strings and ids, no AST pointers),
/// defined in facts/TUFacts.h.
struct TUFacts;

/// TUFacts is opaque to the driver, which keeps them after the AST is gone.
void destroyFacts(TUFacts *);
struct TUFactsDeleter { void operator()(TUFacts *f) const { destroyFacts(f); } };
using TUFactsPtr = std::unique_ptr<TUFacts, TUFactsDeleter>;
TUFactsPtr newFacts();

/// An AST consumer that fills `out` from the TU it is run on.
std::unique_ptr<clang::ASTConsumer> makeFactsConsumer(TUFacts &out,
                                                      const AnalyzerConfig &config);

/// A frontend action running that consumer: what the driver and the tests
/// execute on each TU.
std::unique_ptr<clang::FrontendAction> makeFactsAction(TUFacts &out,
                                                       const AnalyzerConfig &config);

/// One step of completeCrossTUWrappers (kept for callers that run the second
/// pass themselves): the lock effects of every wrapper in `tus` (by USR) and
/// the indexes of the TUs that use one they do not define themselves. Re-running exactly those TUs with
/// `effects` in AnalyzerConfig::externalLockEffects and replacing their facts
/// lets callers see the wrapper's effect. Empty `rerun` when nothing changes.
struct CrossTUWrapperPlan {
  std::shared_ptr<const ExternalLockEffectMap> effects;
  std::vector<size_t> rerun;
};
CrossTUWrapperPlan planCrossTUWrappers(const std::vector<TUFactsPtr> &tus);

/// Cross-TU wrappers to a fixed point. After pass 1 (every TU analyzed with
/// no external effects), the TUs that use a function defined elsewhere whose
/// wrapper summary changed are analyzed again with the program's current
/// summaries, and so on until no summary changes: a wrapper whose effect
/// comes from a wrapper in a third TU (and a scoped-guard class whose
/// constructor / destructor are defined in another TU) is seen at every call.
/// `reanalyze(indexes, config)` returns the new facts of tus[indexes[k]] at
/// position k (null when the TU fails to parse; its earlier facts stay).
/// Null entries of `tus` (TUs that never parsed) are skipped.
using ReanalyzeTUs = std::function<std::vector<TUFactsPtr>(const std::vector<size_t> &indexes,
                                                           const AnalyzerConfig &config)>;
struct CrossTUFixedPoint {
  unsigned passes = 1;        ///< analyses of the program, pass 1 included
  size_t reanalyzedTUs = 0;   ///< TU parses after pass 1
  bool boundReached = false;  ///< stopped at maxPasses before the fixed point
  std::vector<std::string> unsettledWrappers; ///< names still changing when stopped
};
/// The default bound: wrapper chains spanning this many TUs are followed.
constexpr unsigned kMaxCrossTUPasses = 8;
CrossTUFixedPoint completeCrossTUWrappers(std::vector<TUFactsPtr> &tus,
                                          const AnalyzerConfig &config,
                                          const ReanalyzeTUs &reanalyze,
                                          unsigned maxPasses = kMaxCrossTUPasses);

/// Combines the facts of every TU and returns all findings, unfiltered
/// (suppressions, baselines and path filters are applied by output/).
std::vector<Finding> analyzeProgram(std::vector<TUFactsPtr> tus,
                                    const AnalyzerConfig &config);

} // namespace interlock
