#include "facts/TUFacts.h"
#include "findings/Findings.h"
#include "interlock/Analysis.h"
#include "program/Program.h"

#include <algorithm>
#include <cctype>

namespace interlock {

namespace {

/// Local variables are keyed by name, declaration position and owner context
/// ("alice@a.cpp:39:10#ctx2") so two locals of one name stay distinct locks. A fingerprint must survive
/// unrelated edits, so it keeps the name and the file but drops the position.
std::string withoutDeclarationPositions(const std::string &key) {
  std::string out;
  out.reserve(key.size());
  for (size_t i = 0; i < key.size(); ++i) {
    out += key[i];
    if (key[i] != '@')
      continue;
    size_t j = i + 1;
    while (j < key.size() && key[j] != ':' && key[j] != '|' && key[j] != ';' && key[j] != '@')
      out += key[j++];
    // Skip ":LINE:COLUMN" when both parts are digits.
    size_t k = j;
    int numbers = 0;
    while (numbers < 2 && k < key.size() && key[k] == ':' && k + 1 < key.size() &&
           std::isdigit(static_cast<unsigned char>(key[k + 1]))) {
      ++k;
      while (k < key.size() && std::isdigit(static_cast<unsigned char>(key[k])))
        ++k;
      ++numbers;
    }
    size_t end = numbers == 2 ? k : j;
    // Skip the owner context of a local ("#ctx3"): context numbers change
    // when unrelated threads are added.
    if (key.compare(end, 4, "#ctx") == 0) {
      size_t d = end + 4;
      while (d < key.size() && std::isdigit(static_cast<unsigned char>(key[d])))
        ++d;
      end = d;
    }
    i = end - 1;
  }
  return out;
}

} // namespace

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
  for (Finding &f : findings)
    f.fingerprintKey = withoutDeclarationPositions(f.fingerprintKey);
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
