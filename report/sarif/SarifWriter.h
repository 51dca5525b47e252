// Writes the merged report as SARIF 2.1.0 that GitHub code scanning accepts:
// tool.driver with rules and help, results with ruleId, message, locations
// relative to %SRCROOT%, partialFingerprints, baselineState, suppressions.
#pragma once

#include "json/Json.h"
#include "sarif/Merge.h"

#include <string>

namespace interlock::report {

extern const char *const kDriverName;    // "interlock"
extern const char *const kDriverVersion; // project version
extern const char *const kInformationUri;

// `srcRoot`: absolute directory the relative URIs are rooted at.
json::Value toSarif(const MergedReport &report, const std::string &srcRoot);

} // namespace interlock::report
