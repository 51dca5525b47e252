#include "render/Render.h"

#include "util/Util.h"

#include <algorithm>
#include <map>
#include <set>

namespace interlock::report {

namespace {

// Graphs larger than this are not drawn in the page (layout time and
// readability); the .dot output still has them.
constexpr size_t kMaxDrawnEdges = 400;
// Each Graphviz drawing is a process; past this many, cycles are drawn with
// the built-in layout (and the page says so).
constexpr size_t kMaxGraphvizDrawings = 40;

struct DrawBudget {
  size_t graphvizLeft = kMaxGraphvizDrawings;
  size_t builtinBecauseOfBudget = 0;
};

const char *kStyle = R"css(
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;max-width:1100px;color:#222;padding:0 1em}
h1{margin-bottom:.2em} h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
.verdict{font-size:1.2em;font-weight:bold;padding:.5em 1em;border-radius:6px;display:inline-block}
.verdict.fail{background:#fde2e1;color:#8b0000} .verdict.pass{background:#e3f6e3;color:#185c18}
table{border-collapse:collapse;width:100%;font-size:.92em} th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4} tr.muted td{color:#888} td.rule{white-space:nowrap}
.level-error{color:#b00000;font-weight:bold} .level-warning{color:#b35900;font-weight:bold} .level-note{color:#225}
.finding{border:1px solid #ddd;border-radius:8px;padding:.5em 1em 1em;margin:1.2em 0}
.finding.muted{opacity:.65}
.badge{display:inline-block;font-size:.75em;padding:1px 7px;border-radius:10px;background:#eee;margin-left:.4em;font-weight:normal}
.badge.confirmed{background:#d7f0d7} .badge.crossrun{background:#e4dcf7} .badge.new{background:#fde2e1}
.site{margin:.6em 0} .site-head{font-family:monospace;font-size:.9em;background:#f7f7f7;padding:3px 6px}
pre{margin:0;background:#fafafa;border:1px solid #eee;padding:4px 6px;overflow-x:auto;font-size:.85em}
pre .hit{background:#fff2a8;display:inline-block;width:100%}
.cycle svg,.graph svg{max-width:100%;height:auto}
.notes li{color:#444}
)css";

std::string levelSpan(const std::string &level) {
  return "<span class=\"level-" + htmlEscape(level) + "\">" + htmlEscape(level) + "</span>";
}

class SourceCache {
public:
  // Lines [line-context, line+context] with numbers, the line itself highlighted.
  std::string snippet(const std::string &path, int line, int context = 2) {
    if (path.empty() || line <= 0 || path[0] != '/')
      return std::string();
    auto it = files_.find(path);
    if (it == files_.end()) {
      std::string error;
      auto text = readFile(path, error);
      it = files_.emplace(path, text ? split(*text, '\n') : std::vector<std::string>{}).first;
    }
    const auto &lines = it->second;
    if (static_cast<size_t>(line) > lines.size())
      return std::string();
    std::string out = "<pre class=\"snippet\">";
    int first = std::max(1, line - context);
    int last = std::min(static_cast<int>(lines.size()), line + context);
    for (int n = first; n <= last; ++n) {
      std::string number = std::to_string(n);
      number.insert(0, number.size() < 5 ? 5 - number.size() : 0, ' ');
      std::string row = number + "  " + htmlEscape(lines[static_cast<size_t>(n - 1)]);
      out += n == line ? "<span class=\"hit\">" + row + "</span>\n" : row + "\n";
    }
    return out + "</pre>";
  }

private:
  std::map<std::string, std::vector<std::string>> files_;
};

std::string badges(const Finding &f, bool hasBaseline) {
  std::string out = "<span class=\"badge\">" + std::string(originName(f.origin)) + "</span>";
  if (f.origin == Origin::CrossRun)
    out = "<span class=\"badge crossrun\">cross-run</span>";
  if (f.confirmed)
    out += "<span class=\"badge confirmed\">confirmed at run time</span>";
  if (f.runtimeOnly)
    out += "<span class=\"badge\">runtime only</span>";
  if (!f.suppressedBy.empty())
    out += "<span class=\"badge\">suppressed</span>";
  else if (f.baselined)
    out += "<span class=\"badge\">baselined</span>";
  else if (hasBaseline)
    out += "<span class=\"badge new\">new</span>";
  return out;
}

std::string siteLabel(const Site &site, const std::string &srcRoot) {
  std::string s = site.path.empty() ? "&lt;unknown&gt;" : htmlEscape(displayPath(site.path, srcRoot));
  if (site.line > 0)
    s += ":" + std::to_string(site.line);
  if (!site.function.empty())
    s += " in <b>" + htmlEscape(site.function) + "</b>";
  return s;
}

std::string framesText(const json::Value &stacks, const std::string &srcRoot) {
  std::string out;
  for (const json::Value &stack : stacks.items()) {
    if (!stack["message"]["text"].asString().empty())
      out += htmlEscape(stack["message"]["text"].asString()) + "\n";
    int n = 0;
    for (const json::Value &frame : stack["frames"].items()) {
      const json::Value &loc = frame["location"];
      const json::Value &physical = loc["physicalLocation"];
      std::string fn = loc["logicalLocations"].size() > 0
                           ? loc["logicalLocations"].items()[0]["fullyQualifiedName"].asString()
                           : std::string();
      std::string file = uriToPath(physical["artifactLocation"]["uri"].asString());
      int64_t line = physical["region"]["startLine"].asInt(0);
      out += "  #" + std::to_string(n++) + " " + htmlEscape(fn.empty() ? "??" : fn);
      if (!file.empty())
        out += " " + htmlEscape(displayPath(file, srcRoot)) + (line > 0 ? ":" + std::to_string(line) : "");
      if (!frame["module"].asString().empty())
        out += " (" + htmlEscape(baseName(frame["module"].asString())) + ")";
      out += "\n";
    }
  }
  return out;
}

// The edges `edgeIds` (with their locks) drawn as SVG; red when highlighted.
std::string drawEdges(const MergedReport &report, const std::vector<size_t> &edgeIds,
                      const std::set<size_t> &hot, bool useGraphviz) {
  const MergedLockGraph &graph = report.graph;
  std::vector<std::string> nodes;
  std::map<std::string, size_t> index;
  auto node = [&](const std::string &id) {
    auto [it, inserted] = index.emplace(id, nodes.size());
    if (inserted)
      nodes.push_back(id);
    return it->second;
  };
  std::vector<std::pair<size_t, size_t>> pairs;
  std::vector<bool> highlighted;
  for (size_t e : edgeIds) {
    pairs.emplace_back(node(graph.edges()[e].from), node(graph.edges()[e].to));
    highlighted.push_back(hot.count(e) > 0);
  }
  if (useGraphviz) {
    std::string dot = "digraph g {\n rankdir=LR; bgcolor=\"transparent\";\n node [shape=box, "
                      "style=rounded, fontname=\"Helvetica\"];\n edge [fontname=\"Helvetica\", "
                      "fontsize=9];\n";
    auto q = [](const std::string &s) {
      std::string out = "\"";
      for (char c : s) {
        if (c == '\n')
          out += "\\n";
        else
          out += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
      }
      return out + "\"";
    };
    for (size_t i = 0; i < nodes.size(); ++i)
      dot += " n" + std::to_string(i) + " [label=" + q(graph.displayName(nodes[i])) + "];\n";
    for (size_t i = 0; i < pairs.size(); ++i) {
      const auto &runSet = graph.edges()[edgeIds[i]].runs();
      std::string label = listNames({runSet.begin(), runSet.end()}, 2);
      dot += " n" + std::to_string(pairs[i].first) + " -> n" + std::to_string(pairs[i].second) +
             " [label=" + q(label) + (highlighted[i] ? ", color=red, fontcolor=red, penwidth=2.5" : "") +
             "];\n";
    }
    dot += "}\n";
    if (auto svg = dotToSvg(dot))
      return *svg;
  }
  std::vector<std::string> names;
  for (const std::string &id : nodes)
    names.push_back(graph.displayName(id));
  return circularSvg(names, pairs, highlighted);
}

void writeSummary(std::string &out, const MergedReport &report, const RenderContext &ctx) {
  out += "<h2>Summary</h2>\n<table id=\"summary\"><tr><th>#</th><th>Level</th><th>Rule</th>"
         "<th>Where</th><th>Status</th><th>Reported by</th></tr>\n";
  for (size_t i = 0; i < report.findings.size(); ++i) {
    const Finding &f = report.findings[i];
    std::string where = f.sites.empty() ? "" : siteLabel(f.sites[0], ctx.srcRoot);
    std::string runs = htmlEscape(listNames(f.runs, 3));
    out += std::string("<tr") + (f.counts() ? "" : " class=\"muted\"") + "><td><a href=\"#finding-" +
           std::to_string(i + 1) + "\">" + std::to_string(i + 1) + "</a></td><td>" +
           levelSpan(f.level) + "</td><td class=\"rule\">" + htmlEscape(f.ruleId) + "</td><td>" + where +
           "</td><td>" + badges(f, report.hasBaseline) + "</td><td>" + runs + "</td></tr>\n";
  }
  if (report.findings.empty())
    out += "<tr><td colspan=\"6\">No findings.</td></tr>\n";
  out += "</table>\n";
}

void writeFinding(std::string &out, size_t number, const Finding &f, const MergedReport &report,
                  const RenderContext &ctx, SourceCache &sources, DrawBudget &budget) {
  out += "<section class=\"finding" + std::string(f.counts() ? "" : " muted") +
         "\" id=\"finding-" + std::to_string(number) + "\">\n<h3>" + std::to_string(number) + ". " +
         levelSpan(f.level) + ": " + htmlEscape(f.ruleId) + badges(f, report.hasBaseline) +
         "</h3>\n<p class=\"message\">" + htmlEscape(f.message) + "</p>\n";
  if (!f.notes.empty() || !f.suppressedBy.empty()) {
    out += "<ul class=\"notes\">";
    for (const std::string &note : f.notes)
      out += "<li>" + htmlEscape(note) + "</li>";
    if (!f.suppressedBy.empty())
      out += "<li>suppressed by " + htmlEscape(f.suppressedBy) + "</li>";
    out += "</ul>\n";
  }
  std::vector<size_t> edges = findingEdges(report, f);
  if (!edges.empty()) {
    std::set<size_t> hot(edges.begin(), edges.end());
    bool graphviz = ctx.useGraphviz && budget.graphvizLeft > 0;
    if (graphviz)
      --budget.graphvizLeft;
    else if (ctx.useGraphviz)
      ++budget.builtinBecauseOfBudget;
    out += "<div class=\"cycle\">" + drawEdges(report, edges, hot, graphviz) + "</div>\n";
  }
  for (const Site &site : f.sites) {
    out += "<div class=\"site\"><div class=\"site-head\">" + siteLabel(site, ctx.srcRoot);
    if (!site.message.empty())
      out += " &mdash; " + htmlEscape(site.message);
    out += "</div>" + sources.snippet(site.path, site.line) + "</div>\n";
  }
  if (!f.runs.empty()) {
    out += "<p>Reported by: <code>" + htmlEscape(listNames(f.runs, 10)) + "</code></p>\n";
  }
  if (f.stacks.size() > 0)
    out += "<details><summary>Stacks</summary><pre>" + framesText(f.stacks, ctx.srcRoot) +
           "</pre></details>\n";
  out += "</section>\n";
}

void writeGraph(std::string &out, const MergedReport &report, const RenderContext &ctx) {
  const auto &edges = report.graph.edges();
  out += "<h2>Merged lock-order graph</h2>\n";
  if (edges.empty()) {
    out += "<p>No lock-order edges were recorded (no runtime run with a lock graph, or no run held "
           "two locks at once).</p>\n";
    return;
  }
  out += "<p>" + std::to_string(report.graph.locks().size()) + " locks, " +
         std::to_string(edges.size()) + " edges from " + std::to_string(report.graph.runCount()) +
         " run(s). Red edges lie on reported cycles.</p>\n";
  if (edges.size() > kMaxDrawnEdges) {
    out += "<p>The graph has more than " + std::to_string(kMaxDrawnEdges) +
           " edges and is not drawn here; write it with <code>--format=dot</code>.</p>\n";
    return;
  }
  std::set<size_t> hot;
  for (const Finding &f : report.findings)
    if (f.counts())
      for (size_t e : findingEdges(report, f))
        hot.insert(e);
  std::vector<size_t> all;
  for (size_t e = 0; e < edges.size(); ++e)
    all.push_back(e);
  out += "<div class=\"graph\">" + drawEdges(report, all, hot, ctx.useGraphviz) + "</div>\n";
}

void writeInputs(std::string &out, const MergedReport &report) {
  out += "<h2>Inputs</h2>\n<table id=\"inputs\"><tr><th>Run</th><th>Tool</th><th>Findings</th>"
         "<th>Lock graph</th></tr>\n";
  for (const InputSummary &in : report.inputs)
    out += "<tr><td><code>" + htmlEscape(in.name) + "</code></td><td>" + htmlEscape(in.tool) +
           "</td><td>" + std::to_string(in.findings) + "</td><td>" + (in.hasLockGraph ? "yes" : "no") +
           "</td></tr>\n";
  out += "</table>\n";
  if (!report.notes.empty() || !report.degraded.empty()) {
    out += "<h2>Notes</h2>\n<ul>";
    for (const std::string &n : report.notes)
      out += "<li>" + htmlEscape(n) + "</li>";
    for (const std::string &d : report.degraded)
      out += "<li class=\"degraded\">degraded: " + htmlEscape(d) + "</li>";
    out += "</ul>\n";
  }
}

} // namespace

std::string renderHtml(const MergedReport &report, const RenderContext &ctx) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<title>Interlock report</title>\n<style>" +
                    std::string(kStyle) + "</style>\n</head>\n<body>\n<h1>Interlock report</h1>\n";
  bool fail = ctx.failOn != "none" && ctx.failing > 0;
  out += std::string("<p id=\"verdict\" class=\"verdict ") + (fail ? "fail" : "pass") + "\">" +
         (fail ? "FAIL: " + std::to_string(ctx.failing) + " finding(s) at level " +
                     htmlEscape(ctx.failOn) + " or above" +
                     (report.hasBaseline ? " not in the baseline" : "")
               : "PASS: no finding at level " + htmlEscape(ctx.failOn) + " or above" +
                     (report.hasBaseline ? " outside the baseline" : "")) +
         "</p>\n";
  out += "<p>" + std::to_string(report.findings.size()) + " finding(s) from " +
         std::to_string(report.inputs.size()) + " input run(s); " +
         std::to_string(report.duplicatesRemoved) + " duplicate report(s) merged. Source root: <code>" +
         htmlEscape(ctx.srcRoot) + "</code></p>\n";
  writeSummary(out, report, ctx);
  out += "<h2>Findings</h2>\n";
  SourceCache sources;
  DrawBudget budget;
  for (size_t i = 0; i < report.findings.size(); ++i)
    writeFinding(out, i + 1, report.findings[i], report, ctx, sources, budget);
  if (budget.builtinBecauseOfBudget > 0)
    out += "<p class=\"degraded\">The last " + std::to_string(budget.builtinBecauseOfBudget) +
           " cycle drawings use the built-in layout: Graphviz draws the first " +
           std::to_string(kMaxGraphvizDrawings) + " only, to keep the report fast.</p>\n";
  if (report.findings.empty())
    out += "<p>No findings.</p>\n";
  writeGraph(out, report, ctx);
  writeInputs(out, report);
  out += "</body>\n</html>\n";
  return out;
}

} // namespace interlock::report
