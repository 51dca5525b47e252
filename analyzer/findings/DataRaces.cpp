// data-race: two accesses to one location, at least one a write, from
// contexts that may run in parallel, with no lock held in common (a lock
// held in read mode by both sides protects nothing).
#include "findings/Findings.h"

#include <algorithm>
#include <map>
#include <set>

namespace interlock {

std::string shortSite(const SourceSite &site) {
  size_t slash = site.file.rfind('/');
  std::string file = slash == std::string::npos ? site.file : site.file.substr(slash + 1);
  return file + ":" + std::to_string(site.line);
}

std::string describeLocks(const std::vector<ResolvedLock> &locks) {
  if (locks.empty())
    return "no lock";
  std::string out;
  for (const ResolvedLock &l : locks)
    out += (out.empty() ? "" : ", ") + ("`" + l.display + "`") + (l.shared ? " (shared)" : "");
  return out;
}

namespace {

/// One lock in common, held exclusively by at least one side. "Common" is
/// LockPath::mayAlias: the same lock, or one class's mutex reached under
/// two roots (an unknown `this` and a path ending in that field).
bool protectedByCommonLock(const ResolvedAccess &a, const ResolvedAccess &b) {
  for (const ResolvedLock &la : a.held)
    for (const ResolvedLock &lb : b.held)
      if (la.path.mayAlias(lb.path) && !(la.shared && lb.shared))
        return true;
  return false;
}

bool sameSite(const SourceSite &a, const SourceSite &b) {
  return a.file == b.file && a.line == b.line && a.column == b.column;
}

std::string siteKey(const SourceSite &s) {
  return s.file + ":" + std::to_string(s.line) + ":" + std::to_string(s.column);
}

/// "`balance_` is accessed while holding `mu_` at 5 of 6 sites", or "".
std::string inferGuard(const std::vector<const ResolvedAccess *> &accesses,
                       const std::map<std::string, std::string> &declared,
                       const std::string &field, const std::string &display) {
  std::map<std::string, std::set<std::string>> sitesUnder; // lock display -> sites
  std::set<std::string> sites;
  for (const ResolvedAccess *a : accesses) {
    sites.insert(siteKey(a->site));
    for (const ResolvedLock &l : a->held)
      if (!l.shared || !a->write)
        sitesUnder[l.display].insert(siteKey(a->site));
  }
  std::string best;
  size_t bestCount = 0;
  for (const auto &[lock, under] : sitesUnder)
    if (under.size() > bestCount) {
      best = lock;
      bestCount = under.size();
    }
  std::string text;
  // "Most" sites: more than half, and not all (else there would be no race).
  if (bestCount * 2 > sites.size() && bestCount < sites.size())
    text = "`" + display + "` is accessed while holding `" + best + "` at " +
           std::to_string(bestCount) + " of " + std::to_string(sites.size()) + " sites";
  if (auto it = declared.find(field); !field.empty() && it != declared.end())
    text += std::string(text.empty() ? "" : "; ") + "declared GUARDED_BY(" + it->second + ")";
  return text;
}

} // namespace

void findDataRaces(const Program &program, std::vector<Finding> &out) {
  std::map<std::string, std::vector<const ResolvedAccess *>> byLocation;
  for (const ResolvedAccess &a : program.accesses)
    byLocation[a.location].push_back(&a);

  for (const auto &[location, all] : byLocation) {
    bool anyWrite = std::any_of(all.begin(), all.end(), [](auto *a) { return a->write; });
    if (!anyWrite)
      continue;
    // Same site, context, kind and locks: one representative.
    std::map<std::string, const ResolvedAccess *> unique;
    for (const ResolvedAccess *a : all) {
      std::string key = siteKey(a->site) + "|" + std::to_string(a->context) + "|" +
                        (a->write ? "w" : "r");
      for (const ResolvedLock &l : a->held)
        key += "|" + l.key + (l.shared ? "s" : "");
      for (unsigned p : a->pos)
        key += "," + std::to_string(p);
      unique.emplace(key, a);
    }
    std::vector<const ResolvedAccess *> accesses;
    for (const auto &[key, a] : unique)
      accesses.push_back(a);
    // Quadratic in the accesses of one location: beyond this many distinct
    // accesses only the first are paired (said in the report).
    const size_t maxAccessesPerLocation = 3000;
    bool truncated = accesses.size() > maxAccessesPerLocation;
    if (truncated)
      accesses.resize(maxAccessesPerLocation);

    // For each racing site: the other sides it races with.
    std::map<std::string, std::vector<std::pair<const ResolvedAccess *, const ResolvedAccess *>>>
        racesAt;
    std::vector<std::string> order;
    const size_t maxPairs = 20000;
    size_t pairs = 0;
    for (size_t i = 0; i < accesses.size() && pairs < maxPairs; ++i) {
      for (size_t j = i; j < accesses.size() && pairs < maxPairs; ++j) {
        const ResolvedAccess &a = *accesses[i];
        const ResolvedAccess &b = *accesses[j];
        if (!a.write && !b.write)
          continue;
        if (a.context == b.context && a.localRoot)
          continue; // one activation's local
        if (protectedByCommonLock(a, b))
          continue;
        if (!mayHappenInParallel(program, a.context, a.pos, b.context, b.pos))
          continue;
        ++pairs;
        for (auto [x, y] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
          std::string k = siteKey(x->site);
          if (!racesAt.count(k))
            order.push_back(k);
          racesAt[k].push_back({x, y});
        }
      }
    }
    if (racesAt.empty())
      continue;
    std::string display = accesses.front()->display;
    std::string guard = inferGuard(all, program.declaredGuards, accesses.front()->field, display);
    for (const std::string &k : order) {
      const auto &pairsHere = racesAt[k];
      const ResolvedAccess &self = *pairsHere.front().first;
      const ResolvedAccess &other = *pairsHere.front().second;
      Finding f;
      f.ruleId = "data-race";
      f.level = "warning";
      f.site = self.site;
      bool selfWrite = false;
      for (const auto &pr : pairsHere)
        selfWrite = selfWrite || pr.first->write;
      const ThreadContext &otherContext = program.contexts[other.context];
      std::string where =
          !sameSite(self.site, other.site) ? "at " + shortSite(other.site)
          : otherContext.library ? "here in another call of `" + otherContext.entryName + "`"
                                 : std::string("here in another instance of the thread");
      f.message = "data race on `" + display + "`: " + (selfWrite ? "write" : "read") +
                  " holding " + describeLocks(self.held) + ", concurrent " +
                  (other.write ? "write" : "read") + " " + where + " holding " +
                  describeLocks(other.held);
      if (!guard.empty())
        f.message += " (" + guard + ")";
      if (truncated || pairs >= maxPairs)
        f.notes.push_back({SourceSite(), "only the first " +
                                             std::to_string(maxAccessesPerLocation) +
                                             " accesses / " + std::to_string(maxPairs) +
                                             " racing pairs of this location were examined"});
      std::set<std::string> noted;
      f.notes.push_back({self.site, "in " + program.contexts[self.context].describe() +
                                        ", holding " + describeLocks(self.held)});
      for (const SourceSite &call : self.callChain)
        f.notes.push_back({call, "called from here"});
      for (const auto &[mine, theirs] : pairsHere) {
        std::string key = siteKey(theirs->site) + std::to_string(theirs->context);
        if (!noted.insert(key).second || noted.size() > 8)
          continue;
        f.notes.push_back({theirs->site, std::string("conflicting ") +
                                             (theirs->write ? "write" : "read") + " in " +
                                             program.contexts[theirs->context].describe() +
                                             ", holding " + describeLocks(theirs->held)});
        const ThreadContext &ctx = program.contexts[theirs->context];
        if (!ctx.spawnSite.file.empty() && !sameSite(ctx.spawnSite, theirs->site))
          f.notes.push_back({ctx.spawnSite, ctx.library ? "entry point (assumed concurrent)"
                                                        : "thread created here"});
      }
      const ThreadContext &mine = program.contexts[self.context];
      if (!mine.spawnSite.file.empty())
        f.notes.push_back({mine.spawnSite, mine.library ? "entry point (assumed concurrent)"
                                                        : "this access's thread created here"});
      std::string locks;
      for (const ResolvedLock &l : self.held)
        locks += l.display + ",";
      f.fingerprintKey = "data-race|" + self.site.function + "|" + display + "|" +
                         (selfWrite ? "w" : "r") + "|" + locks;
      f.groupId = "data-race:" + location;
      out.push_back(std::move(f));
    }
  }
}

} // namespace interlock
