// The lock-order graph merged over many runtime runs (processes).
//
// Lock ids are stable across processes (var:NAME, site:FILE:LINE), so an
// edge a->b seen by one test binary and b->a seen by another meet here, and
// a cycle neither run could see appears. Cycles are enumerated with
// Boost.Graph (strong components, then Hawick's circuit enumeration inside
// each non-trivial component), up to a bound that is reported when hit.
#pragma once

#include "sarif/Model.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace interlock::report {

struct EdgeObservation {
  std::string run; // input name of the runtime run
  LockEdge edge;
};

struct MergedEdge {
  std::string from, to;
  std::vector<EdgeObservation> observations;
  std::set<std::string> runSet; // the runs of `observations`, kept as they are added
  bool seenStatically = false;  // both sites belong to one static finding

  const std::set<std::string> &runs() const { return runSet; }
  // Gate locks held in every observation of this edge.
  std::set<std::string> gates() const;
  // Every observation held `from` shared / acquired `to` shared.
  bool fromReadOnly() const;
  bool toReadOnly() const;
  // The observation to show: the first one.
  const EdgeObservation &representative() const { return observations.front(); }
};

struct Cycle {
  std::vector<std::string> locks; // l0 -> l1 -> ... -> l(n-1) -> l0
  std::vector<size_t> edges;      // indices into MergedLockGraph::edges(), edge i is locks[i] -> locks[i+1]
};

class MergedLockGraph {
public:
  void addRun(const InputRun &run);

  const std::map<std::string, LockNode> &locks() const { return locks_; }
  const std::vector<MergedEdge> &edges() const { return edges_; }
  std::vector<MergedEdge> &edges() { return edges_; }
  size_t runCount() const { return runs_.size(); }
  std::string displayName(const std::string &lockId) const;
  // Index into edges() of from -> to, or -1.
  long findEdge(const std::string &from, const std::string &to) const;

  struct CycleSearch {
    std::vector<Cycle> cycles;
    bool truncated = false; // stopped at the bound
  };
  // Every elementary cycle of two or more locks, at most `limit` of them.
  CycleSearch findCycles(size_t limit) const;

  // True when one run observed every edge of the cycle (so that run could
  // see the cycle itself, and reported it or judged it harmless).
  bool seenBySingleRun(const Cycle &cycle) const;

private:
  std::map<std::string, LockNode> locks_;
  std::vector<MergedEdge> edges_;
  std::map<std::pair<std::string, std::string>, size_t> edgeIndex_;
  std::set<std::string> runs_;
};

// Why a cycle is not a potential deadlock (empty: it is one): a gate lock
// held on every edge, or a lock both held and wanted only shared (readers do
// not block readers).
std::string cycleExcuse(const Cycle &cycle, const MergedLockGraph &graph);

struct CrossRunResult {
  std::vector<Finding> findings;
  std::vector<std::string> degraded; // bounds hit, said in the report
  size_t cyclesExamined = 0;
  std::vector<std::pair<Cycle, std::string>> excused; // cycle and why it is not reported
};

// Potential deadlocks visible only in the merged graph: one finding per cycle.
CrossRunResult findCrossRunCycles(const MergedLockGraph &graph, size_t cycleLimit);

} // namespace interlock::report
