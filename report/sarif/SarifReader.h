// Reads SARIF 2.1.0 logs written by interlock-check, libinterlock and
// interlock itself (any other tool's results are read as static findings).
#pragma once

#include "sarif/Model.h"

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace interlock::report {

// Bad input: the message says which file and what is wrong with it.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// `name` labels the runs (usually the file path). Relative URIs without a
// resolvable uriBaseId are taken relative to `fallbackRoot`.
std::vector<InputRun> parseSarif(const std::string &name, std::string_view text,
                                 const std::string &fallbackRoot);
std::vector<InputRun> loadSarifFile(const std::string &path, const std::string &fallbackRoot);

// The fingerprints of a baseline: a SARIF log (usually an earlier merged
// report). Findings are matched on ruleId + fingerprint.
std::set<std::string> loadBaselineKeys(const std::string &path, const std::string &fallbackRoot);
std::string baselineKey(const Finding &finding);

} // namespace interlock::report
