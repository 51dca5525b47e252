// In-source suppressions: `// interlock: ignore data-race -- reason`
// (several rules separated by commas, or `all`), on the finding's line or on
// the line before. A suppression must give a reason; one without is reported
// as an `invalid-suppression` error and suppresses nothing.
#include "output/Output.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>

namespace interlock {

namespace {
constexpr llvm::StringLiteral kMarker = "interlock:";

// Parses what follows "interlock:" ("ignore data-race -- why"); false when the
// text is not a suppression at all (e.g. prose mentioning interlock:).
bool parseDirective(llvm::StringRef text, SuppressionComment &out) {
  text = text.ltrim();
  if (!text.consume_front("ignore"))
    return false;
  if (!text.empty() && !llvm::isSpace(text.front()))
    return false;
  auto [rulesPart, reasonPart] = text.split("--");
  // End the reason at a block comment's end.
  reasonPart = reasonPart.split("*/").first;
  out.reason = reasonPart.trim().str();
  llvm::SmallVector<llvm::StringRef, 4> rules;
  rulesPart.split(rules, ',', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef rule : rules) {
    for (llvm::StringRef word : llvm::split(rule.trim(), ' '))
      if (!word.trim().empty())
        out.rules.insert(word.trim().str());
  }
  if (out.rules.empty())
    out.rules.insert("all");
  return true;
}
} // namespace

std::vector<SuppressionComment> parseSuppressions(llvm::StringRef text) {
  std::vector<SuppressionComment> comments;
  unsigned lineNumber = 0;
  while (!text.empty()) {
    auto [line, rest] = text.split('\n');
    text = rest;
    ++lineNumber;
    size_t comment = line.find("//");
    if (comment == llvm::StringRef::npos)
      comment = line.find("/*");
    if (comment == llvm::StringRef::npos)
      continue;
    size_t marker = line.find(kMarker, comment);
    if (marker == llvm::StringRef::npos)
      continue;
    SuppressionComment parsed;
    if (!parseDirective(line.drop_front(marker + kMarker.size()), parsed))
      continue;
    parsed.line = lineNumber;
    parsed.column = static_cast<unsigned>(comment) + 1;
    comments.push_back(std::move(parsed));
  }
  return comments;
}

const std::vector<SuppressionComment> &
SuppressionIndex::commentsOf(const std::string &file) {
  auto it = byFile_.find(file);
  if (it != byFile_.end())
    return it->second;
  std::vector<SuppressionComment> comments;
  if (auto buffer = llvm::MemoryBuffer::getFile(file, /*IsText=*/true))
    comments = parseSuppressions((*buffer)->getBuffer());
  return byFile_.emplace(file, std::move(comments)).first->second;
}

const SuppressionComment *SuppressionIndex::find(const std::string &file, unsigned line,
                                                 llvm::StringRef ruleId) {
  for (const SuppressionComment &comment : commentsOf(file)) {
    bool near = comment.line == line || comment.line + 1 == line;
    if (near && !comment.reason.empty() && comment.covers(ruleId))
      return &comment;
  }
  return nullptr;
}

std::vector<Finding> SuppressionIndex::invalidSuppressions(const std::string &file) {
  std::vector<Finding> findings;
  for (const SuppressionComment &comment : commentsOf(file)) {
    if (!comment.reason.empty())
      continue;
    Finding finding;
    finding.ruleId = "invalid-suppression";
    finding.level = "error";
    finding.site.file = file;
    finding.site.line = comment.line;
    finding.site.column = comment.column;
    finding.message = "suppression comment has no reason and suppresses nothing; "
                      "write `interlock: ignore RULE -- reason`";
    finding.fingerprintKey = "invalid-suppression:" +
                             llvm::sys::path::filename(file).str() + ":" +
                             llvm::join(comment.rules.begin(), comment.rules.end(), ",");
    findings.push_back(std::move(finding));
  }
  return findings;
}

} // namespace interlock
