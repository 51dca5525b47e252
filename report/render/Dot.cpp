#include "render/Render.h"

#include "util/Util.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <set>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace interlock::report {

namespace {

std::string dotQuote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string runsLabel(const MergedEdge &edge) {
  std::set<std::string> runs = edge.runs();
  std::string label;
  size_t shown = 0;
  for (const std::string &r : runs) {
    if (shown == 3) {
      label += "\\n+" + std::to_string(runs.size() - 3) + " more";
      break;
    }
    label += (shown ? "\\n" : "") + baseName(r);
    ++shown;
  }
  return label;
}

} // namespace

std::string renderDot(const MergedReport &report) {
  const MergedLockGraph &graph = report.graph;
  std::set<size_t> onCycle;
  for (const Finding &f : report.findings)
    if (f.counts())
      for (size_t e : findingEdges(report, f))
        onCycle.insert(e);

  std::string out = "// interlock: merged lock-order graph; red edges lie on reported cycles\n";
  out += "digraph interlock_lock_order {\n  rankdir=LR;\n  node [shape=box, style=rounded, "
         "fontname=\"Helvetica\"];\n  edge [fontname=\"Helvetica\", fontsize=10];\n";
  std::set<std::string> cyclicLocks;
  for (size_t e : onCycle) {
    cyclicLocks.insert(graph.edges()[e].from);
    cyclicLocks.insert(graph.edges()[e].to);
  }
  for (const auto &[id, lock] : graph.locks()) {
    std::string label = lock.name.empty() ? id : lock.name;
    if (!lock.kind.empty() && lock.kind != "mutex")
      label += "\n(" + lock.kind + ")";
    out += "  " + dotQuote(id) + " [label=" + dotQuote(label);
    if (cyclicLocks.count(id))
      out += ", color=red, fontcolor=red, penwidth=2";
    out += "];\n";
  }
  for (size_t e = 0; e < graph.edges().size(); ++e) {
    const MergedEdge &edge = graph.edges()[e];
    std::string label = runsLabel(edge);
    if (edge.seenStatically)
      label += "\\n(also static)";
    out += "  " + dotQuote(edge.from) + " -> " + dotQuote(edge.to) + " [label=\"" + label + "\"";
    if (onCycle.count(e))
      out += ", color=red, fontcolor=red, penwidth=2.5";
    if (edge.fromReadOnly() || edge.toReadOnly())
      out += ", style=dashed"; // shared (reader) side involved
    out += "];\n";
  }
  out += "}\n";
  return out;
}

namespace {

// Runs `dot -Tsvg` on files in a private temporary directory.
std::optional<std::string> runGraphviz(const std::string &dotText) {
  char dirTemplate[] = "/tmp/interlock-dot-XXXXXX";
  if (!::mkdtemp(dirTemplate))
    return std::nullopt;
  std::string dir = dirTemplate, in = dir + "/graph.dot", out = dir + "/graph.svg";
  std::string error;
  std::optional<std::string> svg;
  if (writeFile(in, dotText, error)) {
    const char *argv[] = {"dot", "-Tsvg", in.c_str(), "-o", out.c_str(), nullptr};
    pid_t pid;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    if (posix_spawnp(&pid, "dot", &actions, nullptr, const_cast<char **>(argv), environ) == 0) {
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        svg = readFile(out, error);
    }
    posix_spawn_file_actions_destroy(&actions);
  }
  std::remove(in.c_str());
  std::remove(out.c_str());
  ::rmdir(dir.c_str());
  return svg;
}

// Keeps only the <svg ...>...</svg> element so it can be inlined in HTML.
std::optional<std::string> svgElement(const std::string &svg) {
  size_t start = svg.find("<svg");
  size_t end = svg.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start)
    return std::nullopt;
  return svg.substr(start, end + 6 - start);
}

} // namespace

std::optional<std::string> dotToSvg(const std::string &dot) {
  auto svg = runGraphviz(dot);
  if (!svg)
    return std::nullopt;
  return svgElement(*svg);
}

std::string circularSvg(const std::vector<std::string> &nodes,
                        const std::vector<std::pair<size_t, size_t>> &edges,
                        const std::vector<bool> &highlighted) {
  const double radius = nodes.size() < 2 ? 0 : 60.0 + 25.0 * static_cast<double>(nodes.size());
  const double margin = 110, size = 2 * (radius + margin);
  std::vector<std::pair<double, double>> pos;
  for (size_t i = 0; i < nodes.size(); ++i) {
    double angle = 2 * M_PI * static_cast<double>(i) / static_cast<double>(nodes.size()) - M_PI / 2;
    pos.emplace_back(size / 2 + radius * std::cos(angle), size / 2 + radius * std::sin(angle));
  }
  auto num = [](double v) { return std::to_string(static_cast<int>(std::lround(v))); };
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(size) +
                    "\" height=\"" + num(size) + "\" viewBox=\"0 0 " + num(size) + " " + num(size) +
                    "\" class=\"circular-layout\">\n<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" "
                    "refX=\"10\" refY=\"5\" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
                    "<path d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>\n";
  for (size_t i = 0; i < edges.size(); ++i) {
    auto [a, b] = edges[i];
    if (a >= pos.size() || b >= pos.size() || a == b)
      continue;
    double x1 = pos[a].first, y1 = pos[a].second, x2 = pos[b].first, y2 = pos[b].second;
    double dx = x2 - x1, dy = y2 - y1, len = std::hypot(dx, dy);
    if (len < 1)
      continue;
    // Shorten so arrows stop at the node's label box; offset sideways so
    // a->b and b->a do not overlap.
    double ux = dx / len, uy = dy / len, ox = -uy * 6, oy = ux * 6;
    bool hot = i < highlighted.size() && highlighted[i];
    out += "<line x1=\"" + num(x1 + ux * 30 + ox) + "\" y1=\"" + num(y1 + uy * 30 + oy) +
           "\" x2=\"" + num(x2 - ux * 30 + ox) + "\" y2=\"" + num(y2 - uy * 30 + oy) +
           "\" stroke=\"" + (hot ? "#c00" : "#555") + "\" stroke-width=\"" + (hot ? "2.5" : "1.2") +
           "\" marker-end=\"url(#arrow)\"/>\n";
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    out += "<g class=\"node\"><ellipse cx=\"" + num(pos[i].first) + "\" cy=\"" + num(pos[i].second) +
           "\" rx=\"34\" ry=\"18\" fill=\"#fff\" stroke=\"#333\"/><text x=\"" + num(pos[i].first) +
           "\" y=\"" + num(pos[i].second + 4) +
           "\" text-anchor=\"middle\" font-family=\"Helvetica\" font-size=\"12\">" +
           htmlEscape(nodes[i]) + "</text></g>\n";
  }
  out += "</svg>";
  return out;
}

} // namespace interlock::report
