// lock-order-inversion and double-lock.
//
// The lock graph has one node per lock instance, or per lock class when the
// instance is unknown (`Account::mu_` of an unbound `this` / parameter, an
// element of a container). An edge held -> acquired is added for every
// blocking acquisition (try-locks add none), except among locks taken together
// by std::lock / std::scoped_lock (they share one held-before snapshot).
// Cycles: Boost.Graph strong components, then Hawick's elementary circuits
// inside each component (bounded). A cycle is reported only if instances of
// its edges can be chosen that may run in parallel pairwise, share no gate
// lock, and can actually block each other (not two shared holds).
#include "findings/Findings.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/hawick_circuits.hpp>
#include <boost/graph/strong_components.hpp>

#include <algorithm>
#include <map>
#include <set>

namespace interlock {
namespace {

struct EdgeInstance {
  const ResolvedAcquire *acquire;
  const ResolvedLock *held;
  std::vector<std::string> gates; ///< other locks held exclusively
};

using LockGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

struct CircuitBoundReached {};

struct CircuitCollector {
  std::vector<std::vector<size_t>> *cycles;
  size_t bound;
  template <typename Path, typename Graph> void cycle(const Path &path, const Graph &) {
    if (cycles->size() >= bound)
      throw CircuitBoundReached();
    cycles->emplace_back(path.begin(), path.end());
  }
};

class CycleFinder {
public:
  CycleFinder(const Program &program, const AnalyzerConfig &config, std::vector<Finding> &out)
      : program_(program), config_(config), out_(out) {}

  void run() {
    collectEdges();
    std::vector<size_t> component(nodes_.size());
    LockGraph graph(nodes_.size());
    for (const auto &[pair, instances] : edges_)
      if (pair.first != pair.second)
        boost::add_edge(pair.first, pair.second, graph);
    size_t components = nodes_.empty() ? 0 : boost::strong_components(
        graph, boost::make_iterator_property_map(component.begin(),
                                                 boost::get(boost::vertex_index, graph)));
    for (size_t c = 0; c < components; ++c)
      circuitsOf(component, c);
    for (const auto &[pair, instances] : edges_)
      if (pair.first == pair.second)
        check({pair.first}, false);
  }

private:
  void collectEdges() {
    for (const ResolvedAcquire &acq : program_.acquires) {
      if (acq.isTry || acq.lock.path.isUnresolved())
        continue;
      for (const ResolvedLock &held : acq.heldBefore) {
        if (held.path.isUnresolved())
          continue;
        // The same instance again is a double-lock, not an edge; two elements
        // of one array / container are two instances (like transfer).
        if (held.path == acq.lock.path && !held.path.hasElementStep())
          continue;
        if (held.node == acq.lock.node && !acq.lock.path.isAbstract())
          continue;
        EdgeInstance e{&acq, &held, {}};
        for (const ResolvedLock &other : acq.heldBefore)
          if (other.path != held.path && !other.shared)
            e.gates.push_back(other.key);
        std::sort(e.gates.begin(), e.gates.end());
        size_t from = nodeId(held.node), to = nodeId(acq.lock.node);
        auto &list = edges_[{from, to}];
        if (list.size() < 32) // representative instances are enough to judge
          list.push_back(std::move(e));
      }
    }
  }

  size_t nodeId(const std::string &node) {
    auto [it, inserted] = nodeIds_.emplace(node, nodes_.size());
    if (inserted)
      nodes_.push_back(node);
    return it->second;
  }

  void circuitsOf(const std::vector<size_t> &component, size_t c) {
    std::vector<size_t> members;
    for (size_t v = 0; v < component.size(); ++v)
      if (component[v] == c)
        members.push_back(v);
    if (members.size() < 2)
      return;
    std::map<size_t, size_t> local;
    for (size_t i = 0; i < members.size(); ++i)
      local[members[i]] = i;
    LockGraph sub(members.size());
    for (const auto &[pair, instances] : edges_)
      if (pair.first != pair.second && local.count(pair.first) && local.count(pair.second))
        boost::add_edge(local[pair.first], local[pair.second], sub);
    std::vector<std::vector<size_t>> cycles;
    bool bounded = false;
    try {
      boost::hawick_unique_circuits(sub, CircuitCollector{&cycles, config_.maxCyclesPerComponent});
    } catch (const CircuitBoundReached &) {
      bounded = true;
    }
    for (const std::vector<size_t> &cycle : cycles) {
      std::vector<size_t> global;
      for (size_t v : cycle)
        global.push_back(members[v]);
      check(global, bounded);
    }
  }

  /// Picks one instance per edge so that the cycle can really deadlock.
  bool choose(const std::vector<const std::vector<EdgeInstance> *> &lists, size_t k,
              std::vector<const EdgeInstance *> &chosen, size_t &steps) {
    if (++steps > 200000)
      return false;
    if (k == lists.size())
      return valid(chosen);
    for (const EdgeInstance &candidate : *lists[k]) {
      bool ok = true;
      for (const EdgeInstance *prior : chosen)
        ok = ok && mayOverlap(*prior, candidate);
      if (!ok)
        continue;
      chosen.push_back(&candidate);
      if (choose(lists, k + 1, chosen, steps))
        return true;
      chosen.pop_back();
    }
    return false;
  }

  bool mayOverlap(const EdgeInstance &a, const EdgeInstance &b) const {
    return mayHappenInParallel(program_, a.acquire->context, a.acquire->pos, b.acquire->context,
                               b.acquire->pos);
  }

  bool valid(const std::vector<const EdgeInstance *> &chosen) const {
    // A gate lock held across every edge serializes them.
    std::vector<std::string> common = chosen.front()->gates;
    for (const EdgeInstance *e : chosen) {
      std::vector<std::string> next;
      std::set_intersection(common.begin(), common.end(), e->gates.begin(), e->gates.end(),
                            std::back_inserter(next));
      common = std::move(next);
    }
    if (!common.empty())
      return false;
    // Each acquisition must be able to block on the next edge's hold.
    for (size_t k = 0; k < chosen.size(); ++k) {
      const EdgeInstance *next = chosen[(k + 1) % chosen.size()];
      if (chosen[k]->acquire->lock.shared && next->held->shared)
        return false;
    }
    return true;
  }

  void check(const std::vector<size_t> &cycle, bool bounded) {
    std::vector<const std::vector<EdgeInstance> *> lists;
    for (size_t k = 0; k < cycle.size(); ++k)
      lists.push_back(&edges_[{cycle[k], cycle[(k + 1) % cycle.size()]}]);
    if (cycle.size() == 1) // two instances of one lock class: the edge twice
      lists.push_back(lists.front());
    std::vector<const EdgeInstance *> chosen;
    size_t steps = 0;
    if (!choose(lists, 0, chosen, steps))
      return;
    report(cycle, chosen, bounded);
  }

  void report(const std::vector<size_t> &cycle, const std::vector<const EdgeInstance *> &chosen,
              bool bounded) {
    std::vector<std::string> names;
    for (size_t v : cycle)
      names.push_back(nodes_[v]);
    std::vector<std::string> sorted = names;
    std::sort(sorted.begin(), sorted.end());
    std::string cycleKey;
    for (const std::string &n : sorted)
      cycleKey += n + ";";
    if (!reportedCycles_.insert(cycleKey + std::to_string(cycle.size())).second)
      return;
    std::string ring;
    for (const EdgeInstance *e : chosen)
      ring += "`" + e->held->display + "` -> ";
    ring += "`" + chosen.front()->held->display + "`";
    if (cycle.size() == 1)
      ring = "two instances of `" + names.front() + "` locked in opposite orders";

    std::vector<FindingNote> edgeNotes;
    for (const EdgeInstance *e : chosen) {
      const ResolvedAcquire &a = *e->acquire;
      edgeNotes.push_back({a.site, "`" + a.lock.display + "` acquired while holding `" +
                                       e->held->display + "` in " +
                                       program_.contexts[a.context].describe()});
      if (e->held->acquiredAt.line)
        edgeNotes.push_back({e->held->acquiredAt, "`" + e->held->display + "` acquired here"});
      for (const SourceSite &call : a.callChain)
        edgeNotes.push_back({call, "via this call"});
    }
    if (bounded)
      edgeNotes.push_back({SourceSite(), "cycle enumeration bound (" +
                                             std::to_string(config_.maxCyclesPerComponent) +
                                             ") reached; other cycles among these locks exist"});
    std::set<std::string> sites;
    auto emit = [&](const SourceSite &site, const std::string &what) {
      if (!site.line)
        return;
      std::string key = site.file + ":" + std::to_string(site.line) + ":" +
                        std::to_string(site.column);
      if (!sites.insert(key).second)
        return;
      Finding f;
      f.ruleId = "lock-order-inversion";
      f.level = "warning";
      f.site = site;
      f.message = "lock-order inversion (potential deadlock): " + what + "; cycle " + ring;
      f.notes = edgeNotes;
      f.fingerprintKey = "lock-order-inversion|" + site.function + "|" + cycleKey + "|" + what;
      f.groupId = "lock-order:" + cycleKey;
      out_.push_back(std::move(f));
    };
    // Every acquisition site of the cycle gets a diagnostic: where each
    // held lock was taken and where the next one is acquired under it.
    for (const EdgeInstance *e : chosen) {
      emit(e->held->acquiredAt, "`" + e->held->display + "` acquired here, then `" +
                                    e->acquire->lock.display + "` while holding it");
      emit(e->acquire->site,
           "`" + e->acquire->lock.display + "` acquired while holding `" + e->held->display + "`");
    }
  }

  const Program &program_;
  const AnalyzerConfig &config_;
  std::vector<Finding> &out_;
  std::vector<std::string> nodes_;
  std::map<std::string, size_t> nodeIds_;
  std::map<std::pair<size_t, size_t>, std::vector<EdgeInstance>> edges_;
  std::set<std::string> reportedCycles_;
};

} // namespace

void findLockOrderCycles(const Program &program, const AnalyzerConfig &config,
                         std::vector<Finding> &out) {
  CycleFinder(program, config, out).run();
}

namespace {
std::string siteKey(const SourceSite &site) {
  return site.file + ":" + std::to_string(site.line) + ":" + std::to_string(site.column);
}

const ResolvedLock *doubleLockedBy(const ResolvedAcquire &acq) {
  if (acq.isTry || acq.recursive || acq.lock.path.isUnresolved() ||
      acq.lock.path.hasElementStep()) // elements: maybe another one
    return nullptr;
  for (const ResolvedLock &held : acq.heldBefore)
    if (held.path == acq.lock.path && !(held.shared && acq.lock.shared))
      return &held;
  return nullptr;
}
} // namespace

void findDoubleLocks(const Program &program, std::vector<Finding> &out) {
  // A wrapper call that re-acquires a held lock (`mutex_.Lock()`) and the
  // lock call inside the wrapper's body (`mu_.lock()`) are one event: it is
  // reported at the call, the outermost site the user wrote.
  std::set<std::string> wrapperCalls; // context | lock | call site
  for (const ResolvedAcquire &acq : program.acquires)
    if (doubleLockedBy(acq))
      wrapperCalls.insert(std::to_string(acq.context) + "|" + acq.lock.key + "|" +
                          siteKey(acq.site));
  std::set<std::string> reported;
  for (const ResolvedAcquire &acq : program.acquires) {
    const ResolvedLock *found = doubleLockedBy(acq);
    if (!found)
      continue;
    if (!acq.callChain.empty() &&
        wrapperCalls.count(std::to_string(acq.context) + "|" + acq.lock.key + "|" +
                           siteKey(acq.callChain.back())))
      continue; // inside the wrapper whose call is reported
    {
      const ResolvedLock &held = *found;
      std::string key = siteKey(acq.site);
      if (!reported.insert(key).second)
        continue;
      Finding f;
      f.ruleId = "double-lock";
      f.level = "warning";
      f.site = acq.site;
      f.message = "`" + acq.lock.display + "` acquired while already held" +
                  (held.acquiredAt.line ? " (acquired at " + shortSite(held.acquiredAt) + ")"
                                        : std::string()) +
                  "; a non-recursive mutex deadlocks on itself";
      if (held.acquiredAt.line)
        f.notes.push_back({held.acquiredAt, "`" + held.display + "` first acquired here"});
      for (const SourceSite &call : acq.callChain)
        f.notes.push_back({call, "via this call"});
      f.fingerprintKey = "double-lock|" + acq.site.function + "|" + acq.lock.display;
      f.groupId = "double-lock:" + acq.lock.key;
      out.push_back(std::move(f));
    }
  }
}

void reportUnresolvedLocks(const Program &program, std::vector<Finding> &out) {
  std::set<std::string> reported;
  for (const UnresolvedLockFact &u : program.unresolvedLocks) {
    std::string key = u.site.file + ":" + std::to_string(u.site.line) + ":" +
                      std::to_string(u.site.column);
    if (!reported.insert(key).second)
      continue;
    Finding f;
    f.ruleId = "unresolved-lock";
    f.level = "note";
    f.site = u.site;
    f.message = "cannot tell which lock `" + u.expression +
                "` is; it is left out of the race and lock-order analysis";
    f.fingerprintKey = "unresolved-lock|" + u.site.function + "|" + u.expression;
    f.groupId = "unresolved-lock:" + key;
    out.push_back(std::move(f));
  }
}

} // namespace interlock
