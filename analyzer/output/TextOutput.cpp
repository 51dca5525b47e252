// Clang-style diagnostics: `file:line:col: warning: message [rule]`, the
// source line with a caret, then the notes the same way, then a summary.
#include "output/Output.h"

#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Format.h>
#include <llvm/Support/MemoryBuffer.h>

#include <map>
#include <memory>

namespace interlock {

namespace {
class SourceLines {
public:
  /// The text of `line` (1-based) in `file`, or nothing if unreadable.
  std::optional<llvm::StringRef> line(const std::string &file, unsigned line) {
    auto &lines = linesOf(file);
    if (line == 0 || line > lines.size())
      return std::nullopt;
    return lines[line - 1];
  }

private:
  std::vector<llvm::StringRef> &linesOf(const std::string &file) {
    auto it = lines_.find(file);
    if (it != lines_.end())
      return it->second;
    std::vector<llvm::StringRef> lines;
    if (auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true)) {
      llvm::StringRef text = (*buffer)->getBuffer();
      while (!text.empty()) {
        auto [line, rest] = text.split('\n');
        lines.push_back(line.rtrim('\r'));
        text = rest;
      }
      buffers_.push_back(std::move(*buffer));
    }
    return lines_.emplace(file, std::move(lines)).first->second;
  }
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> buffers_;
  std::map<std::string, std::vector<llvm::StringRef>> lines_;
};

// Paths under the working directory are shown relative to it, as clang shows
// the paths it was given; others stay absolute.
std::string displayPath(const std::string &file) {
  static const std::string cwd = [] {
    llvm::SmallString<256> path;
    return llvm::sys::fs::current_path(path) ? std::string() : path.str().str() + "/";
  }();
  if (!cwd.empty() && cwd != "/" && llvm::StringRef(file).starts_with(cwd))
    return file.substr(cwd.size());
  return file;
}

void writeLocation(const SourceSite &site, llvm::raw_ostream &os) {
  if (site.file.empty()) {
    os << "interlock-check: ";
    return;
  }
  os << displayPath(site.file);
  if (site.line) {
    os << ':' << site.line;
    if (site.column)
      os << ':' << site.column;
  }
  os << ": ";
}

void writeSnippet(const SourceSite &site, SourceLines &sources, llvm::raw_ostream &os) {
  auto text = sources.line(site.file, site.line);
  if (!text)
    return;
  std::string number = std::to_string(site.line);
  os << llvm::format("%5s", number.c_str()) << " | " << *text << '\n';
  os << "      | ";
  // Keep tabs so the caret lines up under the same column.
  unsigned column = std::max(1u, site.column);
  for (unsigned i = 1; i < column && i <= text->size(); ++i)
    os << ((*text)[i - 1] == '\t' ? '\t' : ' ');
  os << "^\n";
}
} // namespace

std::string summaryLine(const Report &report) {
  std::map<std::string, unsigned> byRule;
  unsigned shown = 0;
  for (const ReportedFinding &f : report.findings)
    if (!f.baselined) {
      ++byRule[f.finding.ruleId];
      ++shown;
    }
  std::string line = std::to_string(shown) + (shown == 1 ? " finding" : " findings");
  if (report.baselineGiven)
    line = std::to_string(shown) + (shown == 1 ? " new finding" : " new findings");
  if (!byRule.empty()) {
    line += " (";
    bool first = true;
    for (auto &[rule, count] : byRule) {
      line += (first ? "" : ", ") + std::to_string(count) + " " + rule;
      first = false;
    }
    line += ")";
  }
  line += " in " + std::to_string(report.translationUnits) +
          (report.translationUnits == 1 ? " translation unit" : " translation units");
  std::vector<std::string> extras;
  unsigned baselined = static_cast<unsigned>(report.findings.size()) - shown;
  if (report.baselineGiven)
    extras.push_back(std::to_string(baselined) + " baselined (not shown)");
  if (report.suppressed)
    extras.push_back(std::to_string(report.suppressed) + " suppressed");
  if (report.excluded)
    extras.push_back(std::to_string(report.excluded) + " excluded by path");
  if (!report.errors.empty())
    extras.push_back(std::to_string(report.errors.size()) +
                     (report.errors.size() == 1 ? " translation unit" : " translation units") +
                     " could not be analyzed");
  for (size_t i = 0; i < extras.size(); ++i)
    line += (i == 0 ? "; " : ", ") + extras[i];
  return line;
}

void writeText(const Report &report, llvm::raw_ostream &os) {
  SourceLines sources;
  for (const ReportedFinding &reported : report.findings) {
    if (reported.baselined)
      continue;
    const Finding &f = reported.finding;
    writeLocation(f.site, os);
    os << (f.level == "error" ? "error" : f.level == "note" ? "note" : "warning") << ": "
       << f.message << " [" << f.ruleId << "]\n";
    writeSnippet(f.site, sources, os);
    for (const FindingNote &note : f.notes) {
      writeLocation(note.site, os);
      os << "note: " << note.message << '\n';
      writeSnippet(note.site, sources, os);
    }
  }
  os << summaryLine(report) << '\n';
}

} // namespace interlock
