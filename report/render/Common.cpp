#include "render/Render.h"

#include "util/Util.h"

#include <algorithm>
#include <set>

namespace interlock::report {

std::string displayPath(const std::string &path, const std::string &srcRoot) {
  if (auto rel = relativeTo(path, srcRoot))
    return *rel;
  return path;
}

std::string htmlEscape(const std::string &s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

std::vector<size_t> findingEdges(const MergedReport &report, const Finding &finding) {
  std::vector<size_t> out;
  const auto &edges = report.graph.edges();
  if (!finding.cycleLocks.empty()) {
    const auto &locks = finding.cycleLocks;
    for (size_t i = 0; i < locks.size(); ++i) {
      long e = report.graph.findEdge(locks[i], locks[(i + 1) % locks.size()]);
      if (e >= 0)
        out.push_back(static_cast<size_t>(e));
    }
    return out;
  }
  if (finding.ruleId != "lock-order-inversion" && finding.ruleId != "deadlock")
    return out;
  std::set<int> lines; // cheap pre-filter before comparing paths
  for (const Site &s : finding.sites)
    lines.insert(s.line);
  auto has = [&](const Site &site) {
    return lines.count(site.line) &&
           std::any_of(finding.sites.begin(), finding.sites.end(),
                       [&](const Site &s) { return samePlace(s, site); });
  };
  for (size_t e = 0; e < edges.size(); ++e)
    for (const EdgeObservation &o : edges[e].observations)
      if (has(o.edge.fromSite) && has(o.edge.toSite)) {
        out.push_back(e);
        break;
      }
  return out;
}

} // namespace interlock::report
