#include "facts/TUFacts.h"
#include "findings/Findings.h"
#include "interlock/Analysis.h"
#include "program/Program.h"

#include <algorithm>

namespace interlock {

std::vector<Finding> analyzeProgram(std::vector<TUFactsPtr> tus, const AnalyzerConfig &config) {
  Program program = buildProgram(tus, config);
  tus.clear(); // the expanded program holds everything still needed
  std::vector<Finding> findings;
  findDataRaces(program, findings);
  findLockOrderCycles(program, config, findings);
  findDoubleLocks(program, findings);
  reportUnresolvedLocks(program, findings);
  if (!program.limitsHit.empty() && !findings.empty()) {
    for (Finding &f : findings)
      f.notes.push_back({SourceSite(), "analysis bound reached: " + program.limitsHit.front() +
                                           " (results may be incomplete)"});
  }
  std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
    if (a.site.file != b.site.file)
      return a.site.file < b.site.file;
    if (a.site.line != b.site.line)
      return a.site.line < b.site.line;
    return a.ruleId < b.ruleId;
  });
  return findings;
}

} // namespace interlock
