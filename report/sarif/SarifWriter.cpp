#include "sarif/SarifWriter.h"

#include "util/Util.h"

#include <map>

#ifndef INTERLOCK_VERSION
#define INTERLOCK_VERSION "0.0.0"
#endif

namespace interlock::report {

const char *const kDriverName = "interlock";
const char *const kDriverVersion = INTERLOCK_VERSION;
const char *const kInformationUri = "https://github.com/interlock/interlock/blob/main/docs/ci.md";

namespace {

using json::Value;

Value text(const std::string &s) {
  Value v = Value::object();
  v.set("text", s);
  return v;
}

Value artifactLocation(const std::string &path, const std::string &srcRoot) {
  Value artifact = Value::object();
  if (path.empty())
    return artifact;
  if (path[0] != '/') { // never resolved: relative to the source root already
    artifact.set("uri", encodeUriPath(path));
    artifact.set("uriBaseId", "SRCROOT");
    return artifact;
  }
  if (auto rel = relativeTo(path, srcRoot)) {
    artifact.set("uri", encodeUriPath(*rel));
    artifact.set("uriBaseId", "SRCROOT");
  } else {
    artifact.set("uri", pathToFileUri(path)); // outside the source tree (e.g. system headers)
  }
  return artifact;
}

Value location(const Site &site, const std::string &srcRoot, int id) {
  Value loc = Value::object();
  if (id >= 0)
    loc.set("id", id);
  Value physical = Value::object();
  physical.set("artifactLocation", artifactLocation(site.path, srcRoot));
  if (site.line > 0) {
    Value region = Value::object();
    region.set("startLine", site.line);
    if (site.column > 0)
      region.set("startColumn", site.column);
    physical.set("region", region);
  }
  loc.set("physicalLocation", physical);
  if (!site.function.empty()) {
    Value logical = Value::object();
    logical.set("fullyQualifiedName", site.function);
    logical.set("kind", "function");
    loc.set("logicalLocations", Value(json::Array{logical}));
  }
  if (!site.message.empty())
    loc.set("message", text(site.message));
  return loc;
}

Value stringArray(const std::vector<std::string> &items, bool baseNames = false) {
  Value arr = Value::array();
  for (const std::string &s : items)
    arr.push(baseNames ? baseName(s) : s);
  return arr;
}

Value rulesArray(const std::vector<RuleInfo> &rules) {
  Value arr = Value::array();
  for (const RuleInfo &rule : rules) {
    Value r = Value::object();
    r.set("id", rule.id);
    r.set("name", rule.id);
    r.set("shortDescription", text(rule.shortDescription));
    r.set("fullDescription", text(rule.help));
    r.set("help", text(rule.help));
    Value config = Value::object();
    config.set("level", rule.id == "deadlock" || rule.id == "hang" ? "error" : "warning");
    r.set("defaultConfiguration", config);
    arr.push(r);
  }
  return arr;
}

Value result(const Finding &f, const std::map<std::string, int> &ruleIndex, bool hasBaseline,
             const std::string &srcRoot) {
  Value r = Value::object();
  r.set("ruleId", f.ruleId);
  auto index = ruleIndex.find(f.ruleId);
  if (index != ruleIndex.end())
    r.set("ruleIndex", index->second);
  r.set("level", f.level);
  std::string message = f.message.empty() ? f.ruleId : f.message;
  for (const std::string &note : f.notes)
    message += " (" + note + ")";
  r.set("message", text(message));
  Value locations = Value::array(), related = Value::array();
  for (size_t i = 0; i < f.sites.size(); ++i) {
    if (i == 0)
      locations.push(location(f.sites[i], srcRoot, -1));
    else
      related.push(location(f.sites[i], srcRoot, static_cast<int>(i)));
  }
  r.set("locations", locations);
  if (related.size() > 0)
    r.set("relatedLocations", related);
  Value fingerprints = Value::object();
  fingerprints.set("interlock/v1", f.fingerprint);
  r.set("partialFingerprints", fingerprints);
  if (hasBaseline)
    r.set("baselineState", f.baselined ? "unchanged" : "new");
  if (!f.suppressedBy.empty()) {
    Value s = Value::object();
    s.set("kind", startsWith(f.suppressedBy, "suppressed in source") ? "inSource" : "external");
    s.set("justification", f.suppressedBy);
    r.set("suppressions", Value(json::Array{s}));
  }
  if (!f.stacks.isNull())
    r.set("stacks", f.stacks);
  Value props = Value::object();
  props.set("origin", originName(f.origin));
  props.set("runs", stringArray(f.runs));
  props.set("confirmed", f.confirmed);
  props.set("runtimeOnly", f.runtimeOnly);
  if (!f.notes.empty())
    props.set("notes", stringArray(f.notes));
  if (!f.cycleLocks.empty())
    props.set("cycleLocks", stringArray(f.cycleLocks));
  r.set("properties", props);
  return r;
}

Value graphSite(const Site &site) {
  Value v = Value::object();
  if (!site.path.empty())
    v.set("uri", site.path[0] == '/' ? pathToFileUri(site.path) : encodeUriPath(site.path));
  v.set("line", site.line);
  if (!site.function.empty())
    v.set("function", site.function);
  return v;
}

// The merged graph, so a merged report can itself be merged again later.
Value lockGraph(const MergedLockGraph &graph) {
  Value locks = Value::array(), edges = Value::array();
  for (const auto &[id, lock] : graph.locks()) {
    Value l = Value::object();
    l.set("id", id);
    l.set("name", lock.name);
    l.set("kind", lock.kind);
    l.set("site", graphSite(lock.site));
    locks.push(l);
  }
  for (const MergedEdge &e : graph.edges()) {
    for (const EdgeObservation &o : e.observations) {
      Value edge = Value::object();
      edge.set("from", e.from);
      edge.set("to", e.to);
      edge.set("thread", o.edge.thread);
      edge.set("fromSite", graphSite(o.edge.fromSite));
      edge.set("toSite", graphSite(o.edge.toSite));
      edge.set("fromTry", o.edge.fromTry);
      edge.set("fromRead", o.edge.fromRead);
      edge.set("toRead", o.edge.toRead);
      edge.set("gates", stringArray(o.edge.gates));
      edge.set("run", o.run);
      edge.set("seenStatically", e.seenStatically);
      edges.push(edge);
    }
  }
  Value g = Value::object();
  g.set("locks", locks);
  g.set("edges", edges);
  return g;
}

} // namespace

Value toSarif(const MergedReport &report, const std::string &srcRoot) {
  Value driver = Value::object();
  driver.set("name", kDriverName);
  driver.set("version", kDriverVersion);
  driver.set("semanticVersion", kDriverVersion);
  driver.set("informationUri", kInformationUri);
  driver.set("rules", rulesArray(report.rules));
  std::map<std::string, int> ruleIndex;
  for (size_t i = 0; i < report.rules.size(); ++i)
    ruleIndex[report.rules[i].id] = static_cast<int>(i);

  Value run = Value::object();
  Value tool = Value::object();
  tool.set("driver", driver);
  run.set("tool", tool);
  Value root = Value::object();
  root.set("uri", pathToFileUri(srcRoot.back() == '/' ? srcRoot : srcRoot + "/"));
  Value bases = Value::object();
  bases.set("SRCROOT", root);
  run.set("originalUriBaseIds", bases);
  Value results = Value::array();
  for (const Finding &f : report.findings)
    results.push(result(f, ruleIndex, report.hasBaseline, srcRoot));
  run.set("results", results);

  Value props = Value::object();
  Value inputs = Value::array();
  for (const InputSummary &in : report.inputs) {
    Value i = Value::object();
    i.set("name", in.name);
    i.set("tool", in.tool);
    i.set("findings", static_cast<int64_t>(in.findings));
    i.set("lockGraph", in.hasLockGraph);
    inputs.push(i);
  }
  props.set("inputs", inputs);
  props.set("degraded", stringArray(report.degraded));
  props.set("notes", stringArray(report.notes));
  props.set("lockGraph", lockGraph(report.graph));
  run.set("properties", props);

  Value log = Value::object();
  log.set("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  log.set("version", "2.1.0");
  log.set("runs", Value(json::Array{run}));
  return log;
}

} // namespace interlock::report
