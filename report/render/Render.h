// Human-readable views of a merged report: text (terminal / CI log),
// Graphviz dot (the lock-order graph with cycles highlighted) and one
// self-contained HTML page (summary, findings with code, cycles as SVG).
#pragma once

#include "sarif/Merge.h"

#include <optional>
#include <string>
#include <vector>

namespace interlock::report {

struct RenderContext {
  std::string srcRoot;        // paths are shown relative to it
  std::string failOn = "warning";
  size_t failing = 0;         // findings that fail the gate
  bool useGraphviz = true;    // false: always use the built-in circular layout
};

std::string renderText(const MergedReport &report, const RenderContext &ctx);
std::string renderDot(const MergedReport &report);
std::string renderHtml(const MergedReport &report, const RenderContext &ctx);

// Indices into report.graph.edges() of the lock-order edges a finding is about.
std::vector<size_t> findingEdges(const MergedReport &report, const Finding &finding);

// Graphviz layout of a dot text; nullopt when `dot` is missing or fails.
std::optional<std::string> dotToSvg(const std::string &dot);
// A layout of our own: locks on a circle, edges as arrows.
std::string circularSvg(const std::vector<std::string> &nodes,
                        const std::vector<std::pair<size_t, size_t>> &edges,
                        const std::vector<bool> &highlighted);

std::string displayPath(const std::string &path, const std::string &srcRoot);
std::string htmlEscape(const std::string &s);

} // namespace interlock::report
