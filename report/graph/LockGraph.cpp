#include "graph/LockGraph.h"

#include "util/Util.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <boost/graph/strong_components.hpp>

namespace interlock::report {

std::set<std::string> MergedEdge::gates() const {
  std::set<std::string> common;
  bool first = true;
  for (const EdgeObservation &o : observations) {
    std::set<std::string> these(o.edge.gates.begin(), o.edge.gates.end());
    if (first) {
      common = std::move(these);
      first = false;
    } else {
      std::set<std::string> both;
      std::set_intersection(common.begin(), common.end(), these.begin(), these.end(),
                            std::inserter(both, both.end()));
      common = std::move(both);
    }
  }
  return common;
}

bool MergedEdge::fromReadOnly() const {
  return std::all_of(observations.begin(), observations.end(),
                     [](const EdgeObservation &o) { return o.edge.fromRead; });
}

bool MergedEdge::toReadOnly() const {
  return std::all_of(observations.begin(), observations.end(),
                     [](const EdgeObservation &o) { return o.edge.toRead; });
}

void MergedLockGraph::addRun(const InputRun &run) {
  if (!run.hasLockGraph)
    return;
  runs_.insert(run.name);
  for (const LockNode &lock : run.locks)
    locks_.emplace(lock.id, lock); // first description wins; ids are stable
  for (const LockEdge &edge : run.edges) {
    if (edge.from == edge.to)
      continue; // re-acquisition: a double-lock finding, not an ordering edge
    for (const std::string &id : {edge.from, edge.to})
      if (!locks_.count(id))
        locks_[id] = LockNode{id, id, "mutex", Site{}};
    auto key = std::make_pair(edge.from, edge.to);
    auto [it, inserted] = edgeIndex_.emplace(key, edges_.size());
    if (inserted)
      edges_.push_back(MergedEdge{edge.from, edge.to, {}, {}, false});
    edges_[it->second].observations.push_back(EdgeObservation{run.name, edge});
    edges_[it->second].runSet.insert(run.name);
  }
}

std::string MergedLockGraph::displayName(const std::string &lockId) const {
  auto it = locks_.find(lockId);
  return it == locks_.end() || it->second.name.empty() ? lockId : it->second.name;
}

long MergedLockGraph::findEdge(const std::string &from, const std::string &to) const {
  auto it = edgeIndex_.find({from, to});
  return it == edgeIndex_.end() ? -1 : static_cast<long>(it->second);
}

namespace {

using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct CycleLimitReached {};

struct CycleCollector {
  std::vector<std::vector<size_t>> *out;
  size_t limit;
  template <typename Path, typename G> void cycle(const Path &path, const G &) {
    if (out->size() >= limit)
      throw CycleLimitReached{};
    out->emplace_back(path.begin(), path.end());
  }
};

// Rotates so the smallest lock id comes first: one spelling per cycle.
std::vector<std::string> canonicalRotation(std::vector<std::string> locks) {
  auto smallest = std::min_element(locks.begin(), locks.end());
  std::rotate(locks.begin(), smallest, locks.end());
  return locks;
}

} // namespace

MergedLockGraph::CycleSearch MergedLockGraph::findCycles(size_t limit) const {
  CycleSearch search;
  std::vector<std::string> ids;
  std::map<std::string, size_t> index;
  for (const auto &[id, lock] : locks_) {
    index[id] = ids.size();
    ids.push_back(id);
  }
  Graph all(ids.size());
  for (const MergedEdge &e : edges_)
    boost::add_edge(index[e.from], index[e.to], all);

  // Only edges inside a strong component can lie on a cycle.
  std::vector<int> component(ids.size());
  boost::strong_components(all, boost::make_iterator_property_map(
                                    component.begin(), boost::get(boost::vertex_index, all)));
  Graph cyclic(ids.size());
  bool anyCyclic = false;
  for (const MergedEdge &e : edges_) {
    size_t u = index[e.from], v = index[e.to];
    if (component[u] == component[v]) {
      boost::add_edge(u, v, cyclic);
      anyCyclic = true;
    }
  }
  if (!anyCyclic)
    return search;

  std::vector<std::vector<size_t>> paths;
  try {
    boost::hawick_circuits(cyclic, CycleCollector{&paths, limit});
  } catch (const CycleLimitReached &) {
    search.truncated = true;
  }
  for (const auto &path : paths) {
    if (path.size() < 2)
      continue;
    Cycle cycle;
    for (size_t v : path)
      cycle.locks.push_back(ids[v]);
    cycle.locks = canonicalRotation(cycle.locks);
    for (size_t i = 0; i < cycle.locks.size(); ++i) {
      const std::string &from = cycle.locks[i];
      const std::string &to = cycle.locks[(i + 1) % cycle.locks.size()];
      cycle.edges.push_back(edgeIndex_.at({from, to}));
    }
    search.cycles.push_back(std::move(cycle));
  }
  return search;
}

bool MergedLockGraph::seenBySingleRun(const Cycle &cycle) const {
  if (cycle.edges.empty())
    return false;
  // Intersect the edges' run sets, smallest first; stop as soon as it is empty.
  std::vector<const std::set<std::string> *> sets;
  for (size_t e : cycle.edges)
    sets.push_back(&edges_[e].runs());
  std::sort(sets.begin(), sets.end(), [](auto *a, auto *b) { return a->size() < b->size(); });
  std::vector<std::string> common(sets[0]->begin(), sets[0]->end());
  for (size_t i = 1; i < sets.size() && !common.empty(); ++i) {
    std::vector<std::string> kept;
    for (const std::string &run : common)
      if (sets[i]->count(run))
        kept.push_back(run);
    common = std::move(kept);
  }
  return !common.empty();
}

std::string cycleExcuse(const Cycle &cycle, const MergedLockGraph &graph) {
  const std::vector<MergedEdge> &edges = graph.edges();
  std::set<std::string> gates;
  bool first = true;
  for (size_t i = 0; i < cycle.edges.size(); ++i) {
    // The cycle passes through lock L = edge i's `to` = edge i+1's `from`:
    // a thread wanting L shared is not blocked by a thread holding L shared.
    const MergedEdge &into = edges[cycle.edges[i]];
    const MergedEdge &outOf = edges[cycle.edges[(i + 1) % cycle.edges.size()]];
    if (into.toReadOnly() && outOf.fromReadOnly())
      return "lock " + graph.displayName(into.to) +
             " is only ever held and wanted shared on this cycle (readers do not block readers)";
  }
  for (size_t e : cycle.edges) {
    const MergedEdge &edge = edges[e];
    std::set<std::string> these = edge.gates();
    if (first) {
      gates = std::move(these);
      first = false;
    } else {
      std::set<std::string> both;
      std::set_intersection(gates.begin(), gates.end(), these.begin(), these.end(),
                            std::inserter(both, both.end()));
      gates = std::move(both);
    }
  }
  if (!gates.empty())
    return "every edge is taken under the gate lock " + graph.displayName(*gates.begin()) +
           ", so the edges cannot interleave";
  return std::string();
}

namespace {

std::string quoted(const std::string &name) { return "`" + name + "`"; }

Finding cycleFinding(const MergedLockGraph &graph, const Cycle &cycle) {
  Finding f;
  f.ruleId = "lock-order-inversion";
  f.level = "warning";
  f.origin = Origin::CrossRun;
  f.cycleLocks = cycle.locks;
  std::string chain;
  for (const std::string &lock : cycle.locks)
    chain += quoted(graph.displayName(lock)) + " -> ";
  chain += quoted(graph.displayName(cycle.locks.front()));
  std::set<std::string> runs;
  std::string edgeText;
  for (size_t i = 0; i < cycle.edges.size(); ++i) {
    const MergedEdge &edge = graph.edges()[cycle.edges[i]];
    const EdgeObservation &seen = edge.representative();
    std::string from = quoted(graph.displayName(edge.from)), to = quoted(graph.displayName(edge.to));
    Site held = seen.edge.fromSite;
    held.message = "edge " + std::to_string(i + 1) + ": holds " + from + ", acquired here" +
                   (seen.edge.fromTry ? " by try-lock" : "") + " (run " + baseName(seen.run) + ")";
    Site acquired = seen.edge.toSite;
    acquired.message = "edge " + std::to_string(i + 1) + ": acquires " + to + " while holding " +
                       from + " (run " + baseName(seen.run) + ")";
    f.sites.push_back(held);
    f.sites.push_back(acquired);
    std::set<std::string> edgeRuns = edge.runs();
    runs.insert(edgeRuns.begin(), edgeRuns.end());
    // The message names a few runs per edge; properties.runs has them all.
    edgeText += " Edge " + from + " -> " + to +
                " seen in: " + listNames({edgeRuns.begin(), edgeRuns.end()}, 3) + ".";
  }
  f.runs.assign(runs.begin(), runs.end());
  f.message = "Potential deadlock: lock-order cycle " + chain +
              " split across runs; no single run saw the whole cycle." + edgeText;
  std::string key = "lock-order-inversion|cross-run";
  for (const std::string &lock : cycle.locks)
    key += "|" + lock;
  f.fingerprint = hashHex(key);
  return f;
}

} // namespace

CrossRunResult findCrossRunCycles(const MergedLockGraph &graph, size_t cycleLimit) {
  CrossRunResult result;
  MergedLockGraph::CycleSearch search = graph.findCycles(cycleLimit);
  if (search.truncated)
    result.degraded.push_back("cycle enumeration stopped after " + std::to_string(cycleLimit) +
                              " cycles of the merged lock graph (raise with --max-cycles); "
                              "further cross-run cycles may be missing");
  result.cyclesExamined = search.cycles.size();
  for (const Cycle &cycle : search.cycles) {
    if (graph.seenBySingleRun(cycle))
      continue; // that run's own report covers it
    std::string excuse = cycleExcuse(cycle, graph);
    if (!excuse.empty()) {
      result.excused.emplace_back(cycle, excuse);
      continue;
    }
    result.findings.push_back(cycleFinding(graph, cycle));
  }
  return result;
}

} // namespace interlock::report
