#include "sarif/SarifReader.h"

#include "util/Util.h"

#include <algorithm>
#include <map>

namespace interlock::report {

namespace {

using json::Value;

const char *const kFingerprintKey = "interlock/v1";

// Where a run's uriBaseIds point, as absolute directory paths.
std::map<std::string, std::string> readBaseIds(const Value &run, const std::string &fallbackRoot) {
  std::map<std::string, std::string> bases;
  for (const auto &[id, base] : run["originalUriBaseIds"].members()) {
    std::string uri = base["uri"].asString();
    if (uri.empty())
      continue;
    std::string path = uriToPath(uri);
    bases[id] = path.empty() || path[0] != '/' ? joinPath(fallbackRoot, path) : normalizePath(path);
  }
  return bases;
}

class RunReader {
public:
  RunReader(const std::string &name, const Value &run, const std::string &fallbackRoot)
      : name_(name), run_(run), fallbackRoot_(fallbackRoot),
        bases_(readBaseIds(run, fallbackRoot)) {}

  InputRun read() {
    InputRun out;
    out.name = name_;
    const Value &driver = run_["tool"]["driver"];
    if (!driver["name"].isString())
      throw InputError("run has no tool.driver.name");
    out.toolName = driver["name"].asString();
    out.toolVersion = driver["version"].asString();
    out.origin = out.toolName == "interlock-runtime" ? Origin::Runtime : Origin::Static;
    readRules(driver, out);
    readResults(out);
    readLockGraph(out);
    readScope(out);
    for (const Value &d : run_["properties"]["degraded"].items())
      if (d.isString())
        out.degraded.push_back(d.asString());
    return out;
  }

private:
  std::string resolve(const Value &artifact) const {
    std::string uri = artifact["uri"].asString();
    if (uri.empty())
      return std::string();
    if (startsWith(uri, "file:"))
      return normalizePath(uriToPath(uri));
    std::string rel = uriToPath(uri);
    const std::string &baseId = artifact["uriBaseId"].asString();
    auto base = bases_.find(baseId);
    if (!baseId.empty() && base != bases_.end())
      return joinPath(base->second, rel);
    return joinPath(fallbackRoot_, rel);
  }

  Site readLocation(const Value &location) const {
    Site site;
    const Value &physical = location["physicalLocation"];
    site.path = resolve(physical["artifactLocation"]);
    site.line = static_cast<int>(physical["region"]["startLine"].asInt(0));
    site.column = static_cast<int>(physical["region"]["startColumn"].asInt(0));
    const Value &logical = location["logicalLocations"];
    if (logical.size() > 0) {
      const Value &first = logical.items()[0];
      site.function = first["fullyQualifiedName"].asString(first["name"].asString());
    }
    site.message = location["message"]["text"].asString();
    return site;
  }

  // Contract sites: {"uri": "file:///...", "line": N, "function": "..."}.
  Site readGraphSite(const Value &v) const {
    Site site;
    if (v["uri"].isString())
      site.path = resolve(v);
    else if (v["file"].isString())
      site.path = joinPath(fallbackRoot_, v["file"].asString());
    site.line = static_cast<int>(v["line"].asInt(0));
    site.column = static_cast<int>(v["column"].asInt(0));
    site.function = v["function"].asString();
    return site;
  }

  void readRules(const Value &driver, InputRun &out) {
    for (const Value &rule : driver["rules"].items()) {
      RuleInfo info;
      info.id = rule["id"].asString();
      if (info.id.empty())
        continue;
      info.shortDescription = rule["shortDescription"]["text"].asString();
      info.help = rule["help"]["text"].asString(rule["fullDescription"]["text"].asString());
      defaultLevels_[info.id] = rule["defaultConfiguration"]["level"].asString();
      out.rules.push_back(std::move(info));
    }
  }

  Finding readResult(const Value &result) const {
    Finding f;
    f.ruleId = result["ruleId"].asString(result["rule"]["id"].asString());
    if (f.ruleId.empty())
      throw InputError("a result has no ruleId");
    auto defaultLevel = defaultLevels_.find(f.ruleId);
    std::string fallbackLevel =
        defaultLevel != defaultLevels_.end() && !defaultLevel->second.empty() ? defaultLevel->second
                                                                              : "warning";
    f.level = result["level"].asString(fallbackLevel);
    f.message = result["message"]["text"].asString();
    for (const Value &loc : result["locations"].items())
      addSite(f, readLocation(loc));
    for (const Value &loc : result["relatedLocations"].items())
      addSite(f, readLocation(loc));
    f.fingerprint = result["partialFingerprints"][kFingerprintKey].asString();
    if (f.fingerprint.empty() && result["partialFingerprints"].size() > 0)
      f.fingerprint = result["partialFingerprints"].members().front().second.asString();
    if (f.fingerprint.empty())
      f.fingerprint = computedFingerprint(f);
    f.origin = originOf(result);
    if (result["stacks"].size() > 0)
      f.stacks = result["stacks"];
    for (const Value &s : result["suppressions"].items()) {
      if (s["status"].asString() == "rejected")
        continue;
      std::string why = s["justification"].asString();
      f.suppressedBy = "suppressed in source (" + s["kind"].asString("inSource") + ")" +
                       (why.empty() ? "" : ": " + why);
    }
    const Value &props = result["properties"];
    f.confirmed = props["confirmed"].asBool(false);
    f.runtimeOnly = props["runtimeOnly"].asBool(false);
    for (const Value &run : props["runs"].items())
      if (run.isString())
        f.runs.push_back(run.asString());
    for (const Value &lock : props["cycleLocks"].items())
      f.cycleLocks.push_back(lock.asString());
    return f;
  }

  Origin originOf(const Value &result) const {
    std::string origin = result["properties"]["origin"].asString();
    if (origin == "static")
      return Origin::Static;
    if (origin == "runtime")
      return Origin::Runtime;
    if (origin == "cross-run")
      return Origin::CrossRun;
    return run_["tool"]["driver"]["name"].asString() == "interlock-runtime" ? Origin::Runtime
                                                                              : Origin::Static;
  }

  // One entry per place: a repeated place only fills in what was missing.
  static void addSite(Finding &f, Site site) {
    for (Site &existing : f.sites) {
      if (!samePlace(existing, site))
        continue;
      if (existing.function.empty())
        existing.function = site.function;
      if (existing.message.empty())
        existing.message = site.message;
      if (existing.column == 0)
        existing.column = site.column;
      return;
    }
    f.sites.push_back(std::move(site));
  }

  // No fingerprint given: rule + functions + file names, never line numbers.
  static std::string computedFingerprint(const Finding &f) {
    std::vector<std::string> parts;
    for (const Site &s : f.sites)
      parts.push_back(baseName(s.path) + ":" + s.function);
    std::sort(parts.begin(), parts.end());
    std::string text = f.ruleId;
    for (const std::string &p : parts)
      text += "|" + p;
    return hashHex(text);
  }

  // interlock-check writes one result per site; properties.groupId ties the
  // sites of one race or one cycle together. Merge each group into one finding.
  void readResults(InputRun &out) {
    std::map<std::string, size_t> groupIndex;
    std::map<size_t, std::vector<std::string>> groupFingerprints;
    for (const Value &result : run_["results"].items()) {
      Finding f = readResult(result);
      f.runs = {name_};
      std::string group = result["properties"]["groupId"].isString()
                              ? result["properties"]["groupId"].asString()
                              : std::string();
      if (group.empty() || out.origin == Origin::Runtime) {
        out.findings.push_back(std::move(f));
        continue;
      }
      auto [it, inserted] = groupIndex.emplace(f.ruleId + "\n" + group, out.findings.size());
      if (inserted) {
        groupFingerprints[it->second].push_back(f.fingerprint);
        out.findings.push_back(std::move(f));
        continue;
      }
      Finding &into = out.findings[it->second];
      groupFingerprints[it->second].push_back(f.fingerprint);
      for (Site &s : f.sites)
        addSite(into, std::move(s));
      foldLevelAndSuppression(into, f); // a group is suppressed only if all its sites are
    }
    for (auto &[index, prints] : groupFingerprints) {
      if (prints.size() < 2)
        continue;
      std::sort(prints.begin(), prints.end());
      prints.erase(std::unique(prints.begin(), prints.end()), prints.end());
      if (prints.size() < 2)
        continue;
      std::string text;
      for (const std::string &p : prints)
        text += p + "|";
      out.findings[index].fingerprint = hashHex(text);
    }
  }

  void readScope(InputRun &out) const {
    if (out.origin != Origin::Static)
      return;
    for (const Value &artifact : run_["artifacts"].items()) {
      std::string path = resolve(artifact["location"]);
      if (!path.empty())
        out.analyzedFiles.push_back(path);
    }
    auto root = bases_.find("SRCROOT");
    if (root != bases_.end())
      out.analyzedRoot = root->second;
  }

  void readLockGraph(InputRun &out) {
    const Value *graph = run_["properties"].find("lockGraph");
    if (!graph)
      return;
    if (!graph->isObject())
      throw InputError("properties.lockGraph is not an object");
    out.hasLockGraph = true;
    for (const Value &lock : (*graph)["locks"].items()) {
      LockNode node;
      node.id = lock["id"].asString();
      if (node.id.empty())
        throw InputError("a lockGraph lock has no id");
      node.name = lock["name"].asString(node.id);
      node.kind = lock["kind"].asString("mutex");
      node.site = readGraphSite(lock["site"]);
      out.locks.push_back(std::move(node));
    }
    for (const Value &edge : (*graph)["edges"].items()) {
      LockEdge e;
      e.from = edge["from"].asString();
      e.to = edge["to"].asString();
      if (e.from.empty() || e.to.empty())
        throw InputError("a lockGraph edge has no from/to lock id");
      e.thread = edge["thread"].asInt(0);
      e.fromSite = readGraphSite(edge["fromSite"]);
      e.toSite = readGraphSite(edge["toSite"]);
      e.fromTry = edge["fromTry"].asBool(false);
      e.fromRead = edge["fromRead"].asBool(false);
      e.toRead = edge["toRead"].asBool(false);
      for (const Value &g : edge["gates"].items())
        e.gates.push_back(g.asString());
      out.edges.push_back(std::move(e));
    }
  }

  const std::string &name_;
  const Value &run_;
  const std::string &fallbackRoot_;
  std::map<std::string, std::string> bases_;
  std::map<std::string, std::string> defaultLevels_;
};

} // namespace

std::vector<InputRun> parseSarif(const std::string &name, std::string_view text,
                                 const std::string &fallbackRoot) {
  Value log;
  try {
    log = json::parse(text);
  } catch (const json::ParseError &e) {
    throw InputError(name + ": not valid JSON: " + e.what());
  }
  if (!log.isObject())
    throw InputError(name + ": not a SARIF log (top level is not an object)");
  const Value &version = log["version"];
  if (version.isString() && version.asString() != "2.1.0")
    throw InputError(name + ": SARIF version " + version.asString() + " (only 2.1.0 is read)");
  if (!log["runs"].isArray())
    throw InputError(name + ": not a SARIF log (no \"runs\" array)");
  std::vector<InputRun> runs;
  size_t count = log["runs"].size();
  for (size_t i = 0; i < count; ++i) {
    std::string runName = count > 1 ? name + "#" + std::to_string(i + 1) : name;
    try {
      runs.push_back(RunReader(runName, log["runs"].items()[i], fallbackRoot).read());
    } catch (const InputError &e) {
      throw InputError(runName + ": " + e.what());
    }
  }
  return runs;
}

std::vector<InputRun> loadSarifFile(const std::string &path, const std::string &fallbackRoot) {
  std::string error;
  auto text = readFile(path, error);
  if (!text)
    throw InputError(path + ": cannot read: " + error);
  if (trim(*text).empty())
    throw InputError(path + ": empty file (did the run crash before writing its report?)");
  return parseSarif(path, *text, fallbackRoot);
}

std::string baselineKey(const Finding &finding) { return finding.ruleId + "/" + finding.fingerprint; }

std::set<std::string> loadBaselineKeys(const std::string &path, const std::string &fallbackRoot) {
  std::set<std::string> keys;
  for (const InputRun &run : loadSarifFile(path, fallbackRoot))
    for (const Finding &f : run.findings)
      keys.insert(baselineKey(f));
  return keys;
}

} // namespace interlock::report
