// The analysis pipeline as the driver calls it:
//   per TU (in parallel, AST freed afterwards):  makeFactsConsumer -> TUFacts
//   once, over all TUs:                           analyzeProgram -> findings
#pragma once

#include "interlock/AnalyzerConfig.h"
#include "interlock/Finding.h"

#include <memory>
#include <vector>

namespace clang { class ASTConsumer; }

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

/// The second pass for wrappers defined in another TU: the lock effects of
/// every wrapper in `tus` (by USR) and the indexes of the TUs that call one
/// they do not define themselves. Re-running exactly those TUs with
/// `effects` in AnalyzerConfig::externalLockEffects and replacing their facts
/// lets callers see the wrapper's effect. Empty `rerun` when nothing changes.
struct CrossTUWrapperPlan {
  std::shared_ptr<const ExternalLockEffectMap> effects;
  std::vector<size_t> rerun;
};
CrossTUWrapperPlan planCrossTUWrappers(const std::vector<TUFactsPtr> &tus);

/// Combines the facts of every TU and returns all findings, unfiltered
/// (suppressions, baselines and path filters are applied by output/).
std::vector<Finding> analyzeProgram(std::vector<TUFactsPtr> tus,
                                    const AnalyzerConfig &config);

} // namespace interlock
