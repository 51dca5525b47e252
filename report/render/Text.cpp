#include "render/Render.h"

#include "util/Util.h"

namespace interlock::report {

namespace {

std::string status(const Finding &f, bool hasBaseline) {
  std::string s = originName(f.origin);
  if (f.confirmed)
    s += ", confirmed at run time";
  if (f.runtimeOnly)
    s += ", runtime only";
  if (!f.suppressedBy.empty())
    s += ", suppressed";
  else if (f.baselined)
    s += ", baselined";
  else if (hasBaseline)
    s += ", new";
  return s;
}

void writeFinding(std::string &out, const Finding &f, const MergedReport &report,
                  const RenderContext &ctx) {
  out += f.level + ": " + f.ruleId + " [" + status(f, report.hasBaseline) + "]\n";
  out += "  " + f.message + "\n";
  for (const Site &site : f.sites) {
    out += "    " + (site.path.empty() ? std::string("<unknown>") : displayPath(site.path, ctx.srcRoot));
    if (site.line > 0)
      out += ":" + std::to_string(site.line);
    if (!site.function.empty())
      out += " in " + site.function;
    if (!site.message.empty())
      out += ": " + site.message;
    out += "\n";
  }
  if (!f.runs.empty()) {
    out += "  reported by: " + listNames(f.runs, 10) + "\n";
  }
  for (const std::string &note : f.notes)
    out += "  note: " + note + "\n";
  if (!f.suppressedBy.empty())
    out += "  suppressed by " + f.suppressedBy + "\n";
  out += "\n";
}

} // namespace

std::string renderText(const MergedReport &report, const RenderContext &ctx) {
  size_t counted = 0, baselined = 0, suppressed = 0;
  for (const Finding &f : report.findings) {
    if (!f.suppressedBy.empty())
      ++suppressed;
    else if (f.baselined)
      ++baselined;
    else
      ++counted;
  }
  size_t statics = 0, runtimes = 0;
  for (const InputSummary &in : report.inputs)
    (in.origin == Origin::Static ? statics : runtimes)++;

  std::string out;
  out += "interlock: " + std::to_string(report.findings.size()) + " finding(s): " +
         std::to_string(counted) + (report.hasBaseline ? " new" : " open") + ", " +
         std::to_string(baselined) + " baselined, " + std::to_string(suppressed) +
         " suppressed\n";
  out += "  from " + std::to_string(report.inputs.size()) + " input run(s) (" +
         std::to_string(statics) + " static, " + std::to_string(runtimes) + " runtime); " +
         std::to_string(report.duplicatesRemoved) + " duplicate report(s) merged; merged lock graph: " +
         std::to_string(report.graph.locks().size()) + " lock(s), " +
         std::to_string(report.graph.edges().size()) + " edge(s)\n\n";
  for (const Finding &f : report.findings)
    writeFinding(out, f, report, ctx);
  for (const std::string &note : report.notes)
    out += "note: " + note + "\n";
  for (const std::string &d : report.degraded)
    out += "degraded: " + d + "\n";
  if (ctx.failOn == "none")
    out += "interlock: result: not failing (--fail-on=none)\n";
  else if (ctx.failing > 0)
    out += "interlock: FAIL: " + std::to_string(ctx.failing) + " finding(s) at level " + ctx.failOn +
           " or above" + (report.hasBaseline ? " not in the baseline" : "") + "\n";
  else
    out += "interlock: PASS: no finding at level " + ctx.failOn + " or above" +
           (report.hasBaseline ? " outside the baseline" : "") + "\n";
  return out;
}

} // namespace interlock::report
