#include "sarif/Merge.h"

#include "sarif/SarifReader.h"
#include "util/Util.h"

#include <algorithm>
#include <map>

namespace interlock::report {

const std::vector<RuleInfo> &builtinRules() {
  static const std::vector<RuleInfo> rules = {
      {"data-race", "Shared data accessed without a common lock",
       "Two threads may access the same location, at least one writing, with no lock held in "
       "common and no ordering between them. Guard every access with the same mutex, make the "
       "data atomic, or order the threads (join before reading)."},
      {"lock-order-inversion", "Locks acquired in inconsistent order (potential deadlock)",
       "Two or more locks are acquired in orders that form a cycle; threads following different "
       "edges of the cycle at once deadlock. Acquire the locks in one global order, or take them "
       "together with std::scoped_lock / std::lock."},
      {"double-lock", "A non-recursive lock acquired again by the thread that holds it",
       "Re-locking a non-recursive mutex the thread already holds deadlocks (or is undefined). "
       "Release it first, or restructure so the inner code does not lock."},
      {"deadlock", "Threads blocked on each other (actual deadlock)",
       "Each thread in the cycle waits for a lock held by the next. Acquire locks in one global "
       "order."},
      {"bad-unlock", "Unlock of a lock the thread does not hold",
       "Unlocking a mutex that is not locked, or that another thread holds, is undefined "
       "behaviour."},
      {"destroy-locked", "A lock destroyed while held",
       "Destroying a locked mutex is undefined behaviour; unlock it first."},
      {"cond-wait-unheld", "Condition wait without holding its mutex",
       "pthread_cond_wait must be called with the mutex locked by the calling thread."},
      {"cond-mutex-mismatch", "One condition variable waited on with two different mutexes",
       "All concurrent waits on a condition variable must use the same mutex."},
      {"lock-held-at-exit", "A lock still held when the program exited",
       "A lock was never released; other threads waiting for it would hang."},
      {"invalid-mutex", "Operation on a destroyed or invalid lock",
       "The lock was used after pthread_mutex_destroy or was never initialized."},
      {"livelock", "Threads repeatedly failing try-locks against each other",
       "Threads keep backing off and retrying without progress; add a consistent order or "
       "randomized back-off."},
      {"starvation", "A thread waits for a lock while others repeatedly take it",
       "The waiter makes no progress although the lock is released often; consider a fair lock "
       "or writer preference."},
      {"hang", "A thread blocked on a lock for too long",
       "A lock acquisition did not complete within the configured time."},
      {"invalid-suppression", "A suppression comment that matches nothing",
       "Remove or fix the suppression."},
  };
  return rules;
}

std::vector<Suppression> parseSuppressions(const std::string &name, const std::string &text) {
  std::vector<Suppression> out;
  std::vector<std::string> lines = split(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#')
      continue;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == line.size())
      throw InputError(name + ":" + std::to_string(i + 1) + ": expected RULE:PATTERN, got '" +
                       line + "'");
    out.push_back(Suppression{trim(line.substr(0, colon)), trim(line.substr(colon + 1)), line});
  }
  return out;
}

std::vector<Suppression> loadSuppressions(const std::string &path) {
  std::string error;
  auto text = readFile(path, error);
  if (!text)
    throw InputError(path + ": cannot read suppressions: " + error);
  return parseSuppressions(path, *text);
}

bool suppressionPatternMatches(const std::string &pattern, const std::string &text) {
  if (pattern.empty() || text.empty())
    return false;
  std::string glob = pattern;
  bool anchoredStart = glob[0] == '^';
  if (anchoredStart)
    glob.erase(0, 1);
  bool anchoredEnd = !glob.empty() && glob.back() == '$';
  if (anchoredEnd)
    glob.pop_back();
  if (!anchoredStart)
    glob = "*" + glob;
  if (!anchoredEnd)
    glob += "*";
  return globMatch(glob, text);
}

namespace {

std::string dedupeKey(const Finding &f) {
  // Static and runtime fingerprints are computed differently; never mix them.
  return std::string(f.origin == Origin::Static ? "static" : "runtime") + "/" + f.ruleId + "/" +
         f.fingerprint;
}

void absorbDuplicate(Finding &into, const Finding &dup) {
  for (const std::string &run : dup.runs)
    if (std::find(into.runs.begin(), into.runs.end(), run) == into.runs.end())
      into.runs.push_back(run);
  foldLevelAndSuppression(into, dup);
  if (into.stacks.isNull())
    into.stacks = dup.stacks;
}

std::vector<Finding> dedupe(std::vector<InputRun> &runs, size_t &removed) {
  std::vector<Finding> out;
  std::map<std::string, size_t> index;
  for (InputRun &run : runs) {
    for (Finding &f : run.findings) {
      auto [it, inserted] = index.emplace(dedupeKey(f), out.size());
      if (inserted) {
        out.push_back(std::move(f));
      } else {
        absorbDuplicate(out[it->second], f);
        ++removed;
      }
    }
  }
  return out;
}

bool containsPlace(const std::vector<Site> &sites, const Site &site) {
  return std::any_of(sites.begin(), sites.end(), [&](const Site &s) { return samePlace(s, site); });
}

// Same sites (one set contained in the other, and not disjoint).
bool sameSites(const Finding &a, const Finding &b) {
  auto subset = [](const Finding &x, const Finding &y) {
    return std::all_of(x.sites.begin(), x.sites.end(),
                       [&](const Site &s) { return !s.known() || containsPlace(y.sites, s); });
  };
  bool overlap = std::any_of(a.sites.begin(), a.sites.end(),
                             [&](const Site &s) { return containsPlace(b.sites, s); });
  return overlap && (subset(a, b) || subset(b, a));
}

// Static related locations may lack the function; the runtime knows it.
void fillFunctions(Finding &into, const Finding &from) {
  for (Site &site : into.sites)
    if (site.function.empty())
      for (const Site &other : from.sites)
        if (samePlace(site, other) && !other.function.empty()) {
          site.function = other.function;
          break;
        }
}

std::string runList(const std::vector<std::string> &runs) { return listNames(runs, 5); }

bool correlatable(const std::string &rule) {
  return rule == "lock-order-inversion" || rule == "double-lock";
}

// A static finding and a runtime report of the same bug become one finding.
// Did the static analysis look at this site's file? When the static logs say
// nothing about their scope, assume they covered everything.
bool staticallyCovered(const Site &site, const MergedReport &report) {
  if (report.staticFiles.empty() && report.staticRoots.empty())
    return true;
  for (const std::string &file : report.staticFiles)
    if (sameFile(file, site.path))
      return true;
  for (const std::string &root : report.staticRoots)
    if (relativeTo(site.path, root))
      return true;
  return false;
}

void correlate(std::vector<Finding> &findings, MergedLockGraph &graph, const MergedReport &report) {
  std::vector<Site> observed; // every lock acquisition site the runtime recorded
  for (const MergedEdge &e : graph.edges())
    for (const EdgeObservation &o : e.observations) {
      observed.push_back(o.edge.fromSite);
      observed.push_back(o.edge.toSite);
    }
  std::vector<bool> absorbed(findings.size(), false);
  for (size_t s = 0; s < findings.size(); ++s) {
    Finding &st = findings[s];
    if (st.origin != Origin::Static || !correlatable(st.ruleId))
      continue;
    for (size_t r = 0; r < findings.size(); ++r) {
      Finding &rt = findings[r];
      if (absorbed[r] || rt.origin == Origin::Static || rt.ruleId != st.ruleId || !sameSites(st, rt))
        continue;
      absorbed[r] = true;
      st.confirmed = true;
      for (const std::string &run : rt.runs)
        st.runs.push_back(run);
      if (st.stacks.isNull())
        st.stacks = rt.stacks;
      fillFunctions(st, rt);
      st.notes.push_back("confirmed: the runtime reported the same " + st.ruleId + " in " +
                         runList(rt.runs) +
                         (rt.origin == Origin::CrossRun ? " (a cycle split across runs)" : ""));
      if (rt.suppressedBy.empty() && !st.suppressedBy.empty())
        st.notes.push_back("the runtime report was not suppressed");
    }
    bool allObserved = st.ruleId == "lock-order-inversion" && !st.sites.empty() &&
                       std::all_of(st.sites.begin(), st.sites.end(),
                                   [&](const Site &site) { return containsPlace(observed, site); });
    if (!st.confirmed && allObserved) {
      st.confirmed = true;
      st.notes.push_back("confirmed: every acquisition site of this cycle was executed at run "
                         "time (the runtime saw the edges, though not in one cycle)");
    }
  }
  std::vector<Finding> kept;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (absorbed[i])
      continue;
    Finding &f = findings[i];
    bool covered = std::any_of(f.sites.begin(), f.sites.end(),
                               [&](const Site &s) { return staticallyCovered(s, report); });
    if (report.hasStatic && covered && f.origin != Origin::Static && correlatable(f.ruleId)) {
      f.runtimeOnly = true;
      f.notes.push_back("not reported by the static analysis (e.g. locks reached through "
                        "pointers or code it did not analyze)");
    }
    kept.push_back(std::move(f));
  }
  findings = std::move(kept);

  for (MergedEdge &e : graph.edges()) {
    const EdgeObservation &o = e.representative();
    e.seenStatically = std::any_of(findings.begin(), findings.end(), [&](const Finding &f) {
      return f.origin == Origin::Static && f.ruleId == "lock-order-inversion" &&
             containsPlace(f.sites, o.edge.fromSite) && containsPlace(f.sites, o.edge.toSite);
    });
  }
}

std::string matchingSuppression(const Finding &f, const std::vector<Suppression> &suppressions,
                                const MergedLockGraph &graph) {
  std::vector<std::string> subjects;
  for (const Site &s : f.sites) {
    subjects.push_back(s.function);
    subjects.push_back(s.path);
  }
  for (const std::string &lock : f.cycleLocks) {
    subjects.push_back(lock);
    subjects.push_back(graph.displayName(lock));
  }
  for (const Suppression &sup : suppressions) {
    if (!globMatch(sup.rule, f.ruleId))
      continue;
    for (const std::string &subject : subjects)
      if (suppressionPatternMatches(sup.pattern, subject))
        return "suppressions file: " + sup.text;
  }
  return std::string();
}

std::vector<RuleInfo> mergeRules(const std::vector<InputRun> &runs) {
  std::vector<RuleInfo> rules;
  std::map<std::string, size_t> index;
  auto add = [&](const RuleInfo &rule) {
    auto [it, inserted] = index.emplace(rule.id, rules.size());
    if (inserted)
      rules.push_back(rule);
    else if (rules[it->second].help.empty())
      rules[it->second].help = rule.help;
  };
  for (const InputRun &run : runs)
    for (const RuleInfo &rule : run.rules)
      add(rule);
  for (const RuleInfo &rule : builtinRules())
    add(rule);
  for (RuleInfo &rule : rules) {
    if (rule.shortDescription.empty())
      rule.shortDescription = rule.id;
    if (rule.help.empty())
      rule.help = rule.shortDescription;
  }
  return rules;
}

void sortFindings(std::vector<Finding> &findings) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding &a, const Finding &b) {
    if (a.counts() != b.counts())
      return a.counts();
    if (levelRank(a.level) != levelRank(b.level))
      return levelRank(a.level) > levelRank(b.level);
    if (a.ruleId != b.ruleId)
      return a.ruleId < b.ruleId;
    std::string pa = a.sites.empty() ? "" : a.sites[0].path;
    std::string pb = b.sites.empty() ? "" : b.sites[0].path;
    if (pa != pb)
      return pa < pb;
    int la = a.sites.empty() ? 0 : a.sites[0].line, lb = b.sites.empty() ? 0 : b.sites[0].line;
    return la < lb;
  });
}

} // namespace

MergedReport mergeRuns(std::vector<InputRun> runs, const MergeOptions &options) {
  MergedReport report;
  report.hasBaseline = options.hasBaseline;
  for (const InputRun &run : runs) {
    report.inputs.push_back(
        InputSummary{run.name, run.toolName, run.origin, run.findings.size(), run.hasLockGraph});
    report.hasStatic |= run.origin == Origin::Static;
    if (run.origin == Origin::Static) {
      report.staticFiles.insert(report.staticFiles.end(), run.analyzedFiles.begin(),
                                run.analyzedFiles.end());
      if (!run.analyzedRoot.empty())
        report.staticRoots.push_back(run.analyzedRoot);
    }
    report.hasRuntime |= run.origin == Origin::Runtime;
    for (const std::string &d : run.degraded)
      report.degraded.push_back(baseName(run.name) + ": " + d);
    report.graph.addRun(run);
  }
  report.rules = mergeRules(runs);
  report.findings = dedupe(runs, report.duplicatesRemoved);

  CrossRunResult crossRun = findCrossRunCycles(report.graph, options.maxCycles);
  for (Finding &f : crossRun.findings)
    report.findings.push_back(std::move(f));
  for (const std::string &d : crossRun.degraded)
    report.degraded.push_back(d);
  for (const auto &[cycle, why] : crossRun.excused) {
    std::string chain;
    for (const std::string &lock : cycle.locks)
      chain += report.graph.displayName(lock) + " -> ";
    chain += report.graph.displayName(cycle.locks.front());
    report.notes.push_back("cycle " + chain + " not reported: " + why);
  }

  correlate(report.findings, report.graph, report);

  for (Finding &f : report.findings) {
    if (f.suppressedBy.empty())
      f.suppressedBy = matchingSuppression(f, options.suppressions, report.graph);
    if (options.hasBaseline)
      f.baselined = options.baseline.count(baselineKey(f)) > 0;
  }
  sortFindings(report.findings);
  return report;
}

size_t failingCount(const MergedReport &report, const std::string &failOn) {
  if (failOn == "none")
    return 0;
  int threshold = levelRank(failOn);
  return static_cast<size_t>(std::count_if(
      report.findings.begin(), report.findings.end(),
      [&](const Finding &f) { return f.counts() && levelRank(f.level) >= threshold; }));
}

} // namespace interlock::report
