// Turns the analysis' findings into what is shown: filtered, suppressed,
// baselined and sorted.
#include "output/Output.h"

#include <algorithm>
#include <tuple>

namespace interlock {

unsigned Report::newFindings() const {
  return static_cast<unsigned>(std::count_if(
      findings.begin(), findings.end(), [](const ReportedFinding &f) { return !f.baselined; }));
}

namespace {
bool siteBefore(const Finding &a, const Finding &b) {
  return std::tie(a.site.file, a.site.line, a.site.column, a.ruleId, a.message) <
         std::tie(b.site.file, b.site.line, b.site.column, b.ruleId, b.message);
}
bool sameDiagnostic(const Finding &a, const Finding &b) {
  return a.site.file == b.site.file && a.site.line == b.site.line &&
         a.site.column == b.site.column && a.ruleId == b.ruleId && a.message == b.message;
}
} // namespace

llvm::Expected<Report> prepareReport(std::vector<Finding> findings,
                                     const ReportOptions &options) {
  auto excluder = PathExcluder::create(options.excludeGlobs, options.sourceRoot);
  if (!excluder)
    return excluder.takeError();

  Report report;
  report.sourceRoot = options.sourceRoot;
  report.baselineGiven = options.baseline.has_value();

  SuppressionIndex suppressions;
  std::set<std::string> filesSeen(options.analyzedFiles.begin(), options.analyzedFiles.end());
  for (const Finding &finding : findings)
    filesSeen.insert(finding.site.file);
  for (const std::string &file : filesSeen)
    if (!isSystemPath(file) && !excluder->excludes(file))
      for (Finding &invalid : suppressions.invalidSuppressions(file))
        findings.push_back(std::move(invalid));

  std::sort(findings.begin(), findings.end(), siteBefore);
  // Several TUs may report the same finding in a shared header: show it once.
  findings.erase(std::unique(findings.begin(), findings.end(), sameDiagnostic),
                 findings.end());

  for (Finding &finding : findings) {
    if (isSystemPath(finding.site.file) || excluder->excludes(finding.site.file)) {
      ++report.excluded;
      continue;
    }
    if (finding.ruleId != "invalid-suppression" &&
        suppressions.find(finding.site.file, finding.site.line, finding.ruleId)) {
      ++report.suppressed;
      continue;
    }
    ReportedFinding shown;
    shown.fingerprint = fingerprintOf(finding);
    shown.baselined = options.baseline && options.baseline->count(shown.fingerprint);
    shown.finding = std::move(finding);
    report.findings.push_back(std::move(shown));
  }
  return report;
}

} // namespace interlock
