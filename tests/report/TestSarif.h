// Builders for small SARIF logs in unit tests.
#pragma once

#include "json/Json.h"

#include <string>
#include <vector>

namespace interlock::report::testing {

inline json::Value graphSite(const std::string &file, int line, const std::string &fn) {
  json::Value s = json::Value::object();
  s.set("uri", "file:///src/" + file);
  s.set("line", line);
  s.set("function", fn);
  return s;
}

struct EdgeSpec {
  std::string from, to;
  int thread = 1;
  int fromLine = 0, toLine = 0;
  std::string function = "f";
  bool fromTry = false;
  std::vector<std::string> gates;
  bool fromRead = false, toRead = false;
};

// A runtime log with only a lock graph (and optional results).
inline std::string runtimeLog(const std::vector<EdgeSpec> &edges,
                              json::Value results = json::Value::array()) {
  json::Value locks = json::Value::array(), es = json::Value::array();
  std::vector<std::string> seen;
  for (const EdgeSpec &e : edges) {
    for (const std::string &id : {e.from, e.to}) {
      bool known = false;
      for (const auto &s : seen)
        known |= s == id;
      if (known)
        continue;
      seen.push_back(id);
      json::Value l = json::Value::object();
      l.set("id", id);
      l.set("name", id.substr(id.find(':') + 1));
      l.set("kind", "mutex");
      l.set("site", graphSite("a.c", 1, e.function));
      locks.push(l);
    }
    json::Value edge = json::Value::object();
    edge.set("from", e.from);
    edge.set("to", e.to);
    edge.set("thread", e.thread);
    edge.set("fromSite", graphSite("a.c", e.fromLine, e.function));
    edge.set("toSite", graphSite("a.c", e.toLine, e.function));
    edge.set("fromTry", e.fromTry);
    edge.set("fromRead", e.fromRead);
    edge.set("toRead", e.toRead);
    json::Value gates = json::Value::array();
    for (const auto &g : e.gates)
      gates.push(g);
    edge.set("gates", gates);
    es.push(edge);
  }
  json::Value graph = json::Value::object();
  graph.set("locks", locks);
  graph.set("edges", es);
  json::Value props = json::Value::object();
  props.set("pid", 1);
  props.set("degraded", json::Value::array());
  props.set("lockGraph", graph);
  json::Value driver = json::Value::object();
  driver.set("name", "interlock-runtime");
  json::Value tool = json::Value::object();
  tool.set("driver", driver);
  json::Value run = json::Value::object();
  run.set("tool", tool);
  run.set("results", results);
  run.set("properties", props);
  json::Value log = json::Value::object();
  log.set("version", "2.1.0");
  log.set("runs", json::Value(json::Array{run}));
  return json::serialize(log);
}

inline json::Value location(const std::string &uri, int line, const std::string &fn,
                            const std::string &base = "") {
  json::Value artifact = json::Value::object();
  artifact.set("uri", uri);
  if (!base.empty())
    artifact.set("uriBaseId", base);
  json::Value region = json::Value::object();
  region.set("startLine", line);
  json::Value physical = json::Value::object();
  physical.set("artifactLocation", artifact);
  physical.set("region", region);
  json::Value logical = json::Value::object();
  logical.set("fullyQualifiedName", fn);
  json::Value loc = json::Value::object();
  loc.set("physicalLocation", physical);
  loc.set("logicalLocations", json::Value(json::Array{logical}));
  return loc;
}

inline json::Value result(const std::string &rule, const std::vector<json::Value> &locations,
                          const std::string &fingerprint, const std::string &group = "") {
  json::Value r = json::Value::object();
  r.set("ruleId", rule);
  r.set("level", "warning");
  json::Value msg = json::Value::object();
  msg.set("text", rule + " here");
  r.set("message", msg);
  json::Value locs = json::Value::array();
  locs.push(locations.front());
  r.set("locations", locs);
  json::Value related = json::Value::array();
  for (size_t i = 1; i < locations.size(); ++i)
    related.push(locations[i]);
  if (related.size())
    r.set("relatedLocations", related);
  json::Value fp = json::Value::object();
  fp.set("interlock/v1", fingerprint);
  r.set("partialFingerprints", fp);
  if (!group.empty()) {
    json::Value props = json::Value::object();
    props.set("groupId", group);
    r.set("properties", props);
  }
  return r;
}

// An interlock-check log with SRCROOT = /src/.
inline std::string staticLog(const std::vector<json::Value> &results) {
  json::Value driver = json::Value::object();
  driver.set("name", "interlock-check");
  json::Value tool = json::Value::object();
  tool.set("driver", driver);
  json::Value run = json::Value::object();
  run.set("tool", tool);
  json::Value root = json::Value::object();
  root.set("uri", "file:///src/");
  json::Value bases = json::Value::object();
  bases.set("SRCROOT", root);
  run.set("originalUriBaseIds", bases);
  json::Value rs = json::Value::array();
  for (const auto &r : results)
    rs.push(r);
  run.set("results", rs);
  json::Value log = json::Value::object();
  log.set("version", "2.1.0");
  log.set("runs", json::Value(json::Array{run}));
  return json::serialize(log);
}

} // namespace interlock::report::testing
