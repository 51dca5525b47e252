// SARIF 2.1.0, one run. Paths under the source root are relative to the
// SRCROOT base id; every note becomes a relatedLocation with its message.
#include "output/Output.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FormatVariadic.h>
#include <llvm/Support/JSON.h>

namespace interlock {

namespace {
constexpr const char *kInformationUri = "https://github.com/interlock/interlock";

// RFC 3986: keep unreserved characters and '/', percent-encode the rest.
std::string percentEncode(llvm::StringRef path) {
  std::string out;
  for (unsigned char c : path) {
    if (llvm::isAlnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += llvm::hexdigit(c >> 4, /*LowerCase=*/false);
      out += llvm::hexdigit(c & 15, /*LowerCase=*/false);
    }
  }
  return out;
}

llvm::json::Object artifactLocation(const std::string &file, const std::string &root) {
  llvm::StringRef path(file);
  std::string prefix = root == "/" ? "/" : root + "/";
  if (!root.empty() && path.starts_with(prefix))
    return llvm::json::Object{{"uri", percentEncode(path.drop_front(prefix.size()))},
                              {"uriBaseId", "SRCROOT"}};
  return llvm::json::Object{{"uri", "file://" + percentEncode(path)}};
}

llvm::json::Object physicalLocation(const SourceSite &site, const std::string &root) {
  llvm::json::Object location{{"artifactLocation", artifactLocation(site.file, root)}};
  if (site.line) {
    llvm::json::Object region{{"startLine", site.line}};
    if (site.column)
      region["startColumn"] = site.column;
    location["region"] = std::move(region);
  }
  return location;
}

llvm::json::Object primaryLocation(const SourceSite &site, const std::string &root) {
  llvm::json::Object location{{"physicalLocation", physicalLocation(site, root)}};
  if (!site.function.empty())
    location["logicalLocations"] =
        llvm::json::Array{llvm::json::Object{{"fullyQualifiedName", site.function},
                                             {"kind", "function"}}};
  return location;
}

llvm::json::Object ruleObject(const RuleInfo &rule) {
  return llvm::json::Object{
      {"id", rule.id},
      {"name", rule.name},
      {"shortDescription", llvm::json::Object{{"text", rule.shortDescription}}},
      {"fullDescription", llvm::json::Object{{"text", rule.fullDescription}}},
      {"help", llvm::json::Object{{"text", rule.help}}},
      {"helpUri", std::string(kInformationUri) + "/blob/main/docs/analyzer.md#" + rule.id},
  };
}

// Known rules always, plus any rule id the analysis emits that we do not know.
std::vector<RuleInfo> rulesFor(const Report &report, std::vector<std::string> &ownedIds) {
  std::vector<RuleInfo> rules = knownRules();
  for (const ReportedFinding &f : report.findings) {
    bool known = false;
    for (const RuleInfo &rule : rules)
      known = known || f.finding.ruleId == rule.id;
    if (!known) {
      ownedIds.push_back(f.finding.ruleId);
      rules.push_back({nullptr, nullptr, "Finding of the interlock analyzer",
                       "Finding of the interlock analyzer", "See docs/analyzer.md."});
    }
  }
  // Point the appended rules at stable strings (ownedIds no longer grows).
  size_t extra = rules.size() - ownedIds.size();
  for (size_t i = 0; i < ownedIds.size(); ++i)
    rules[extra + i].id = rules[extra + i].name = ownedIds[i].c_str();
  return rules;
}

llvm::json::Object resultObject(const ReportedFinding &reported, size_t ruleIndex,
                                 const Report &report) {
  const Finding &f = reported.finding;
  llvm::json::Array related;
  for (size_t i = 0; i < f.notes.size(); ++i) {
    const FindingNote &note = f.notes[i];
    llvm::json::Object location{{"id", static_cast<int64_t>(i + 1)},
                                {"message", llvm::json::Object{{"text", note.message}}}};
    if (!note.site.file.empty())
      location["physicalLocation"] = physicalLocation(note.site, report.sourceRoot);
    related.push_back(std::move(location));
  }
  llvm::json::Object result{
      {"ruleId", f.ruleId},
      {"ruleIndex", static_cast<int64_t>(ruleIndex)},
      {"level", f.level.empty() ? "warning" : f.level},
      {"message", llvm::json::Object{{"text", f.message}}},
      {"locations", llvm::json::Array{primaryLocation(f.site, report.sourceRoot)}},
      {"partialFingerprints", llvm::json::Object{{"interlock/v1", reported.fingerprint}}},
  };
  if (!related.empty())
    result["relatedLocations"] = std::move(related);
  if (report.baselineGiven)
    result["baselineState"] = reported.baselined ? "unchanged" : "new";
  if (!f.groupId.empty())
    result["properties"] = llvm::json::Object{{"groupId", f.groupId}};
  return result;
}

llvm::json::Array notificationsFor(const Report &report) {
  llvm::json::Array notifications;
  for (const TUError &error : report.errors) {
    llvm::json::Object notification{
        {"level", "error"},
        {"message", llvm::json::Object{{"text", "could not analyze " + error.file + ": " +
                                                    error.message}}}};
    if (!error.file.empty())
      notification["locations"] = llvm::json::Array{llvm::json::Object{
          {"physicalLocation", physicalLocation(SourceSite{error.file}, report.sourceRoot)}}};
    notifications.push_back(std::move(notification));
  }
  return notifications;
}
} // namespace

void writeSarif(const Report &report, llvm::raw_ostream &os) {
  std::vector<std::string> ownedIds;
  ownedIds.reserve(report.findings.size());
  std::vector<RuleInfo> rules = rulesFor(report, ownedIds);

  llvm::json::Array ruleArray;
  for (const RuleInfo &rule : rules)
    ruleArray.push_back(ruleObject(rule));

  llvm::json::Array results;
  for (const ReportedFinding &reported : report.findings) {
    size_t index = 0;
    while (index < rules.size() && reported.finding.ruleId != rules[index].id)
      ++index;
    results.push_back(resultObject(reported, index, report));
  }

  llvm::json::Object run{
      {"tool", llvm::json::Object{{"driver", llvm::json::Object{
                                                 {"name", "interlock-check"},
                                                 {"version", INTERLOCK_VERSION},
                                                 {"semanticVersion", INTERLOCK_VERSION},
                                                 {"informationUri", kInformationUri},
                                                 {"rules", std::move(ruleArray)},
                                             }}}},
      {"invocations",
       llvm::json::Array{llvm::json::Object{
           {"executionSuccessful", report.translationUnits > 0},
           {"toolExecutionNotifications", notificationsFor(report)}}}},
      {"columnKind", "unicodeCodePoints"},
      {"results", std::move(results)},
  };
  if (!report.sourceRoot.empty()) {
    std::string root = report.sourceRoot == "/" ? "/" : report.sourceRoot + "/";
    run["originalUriBaseIds"] = llvm::json::Object{
        {"SRCROOT", llvm::json::Object{{"uri", "file://" + percentEncode(root)}}}};
  }
  llvm::json::Value sarif = llvm::json::Object{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", llvm::json::Array{std::move(run)}},
  };
  os << llvm::formatv("{0:2}", sarif) << '\n';
}

} // namespace interlock
