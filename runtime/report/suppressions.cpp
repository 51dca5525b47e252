#include "report/suppressions.h"

#include <fcntl.h>
#include <unistd.h>

#include "common/options.h"
#include "report/finding.h"

namespace interlock {
namespace {

Global<SuppressionList> g_list_storage;
#define g_list (*g_list_storage)
bool g_loaded;

Str trim(const char *begin, const char *end) {
  while (begin < end && (*begin == ' ' || *begin == '\t' || *begin == '\r')) ++begin;
  while (end > begin && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r')) --end;
  Str s;
  s.append(begin, size_t(end - begin));
  return s;
}

bool known_rule(const Str &rule) {
  if (rule.equals("*")) return true;
  for (int r = 0; r < int(Rule::kCount); ++r)
    if (rule.equals(rule_id(Rule(r)))) return true;
  return false;
}

}  // namespace

bool glob_match(const char *pattern, const char *text) {
  const char *star = nullptr, *resume = nullptr;
  while (*text) {
    if (*pattern == '*') {
      star = pattern++;
      resume = text;
    } else if (*pattern == *text) {
      ++pattern;
      ++text;
    } else if (star) {
      pattern = star + 1;
      text = ++resume;
    } else {
      return false;
    }
  }
  while (*pattern == '*') ++pattern;
  return *pattern == '\0';
}

bool SuppressionList::parse(const char *text, Str *error) {
  int line_number = 0;
  while (*text) {
    const char *end = strchr(text, '\n');
    if (!end) end = text + strlen(text);
    ++line_number;
    Str line = trim(text, end);
    text = *end ? end + 1 : end;
    if (line.empty() || line.c_str()[0] == '#') continue;
    const char *colon = strchr(line.c_str(), ':');
    if (!colon) {
      error->append("interlock: suppressions line ").append_u64(uint64_t(line_number));
      error->append(": expected `rule:pattern`, got '").append(line).append("'");
      return false;
    }
    auto *s = internal_new<Suppression>();
    s->rule = trim(line.c_str(), colon);
    s->pattern = trim(colon + 1, line.c_str() + line.size());
    if (!known_rule(s->rule) || s->pattern.empty()) {
      error->append("interlock: suppressions line ").append_u64(uint64_t(line_number));
      error->append(": unknown rule '").append(s->rule).append("' or empty pattern; rules are * or a rule id");
      internal_delete(s);
      return false;
    }
    rules_.push_back(s);
  }
  return true;
}

bool SuppressionList::matches(const char *rule, const char *subject) const {
  for (const Suppression *s : rules_) {
    if (!s->rule.equals("*") && !s->rule.equals(rule)) continue;
    if (glob_match(s->pattern.c_str(), subject)) return true;
  }
  return false;
}

bool load_suppressions(Str *error) {
  if (g_loaded) return true;
  g_loaded = true;
  const char *path = options().suppressions;
  if (!*path) return true;
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error->append("interlock: cannot open suppressions file '").append(path).append("'");
    return false;
  }
  Str text;
  char buffer[4096];
  for (;;) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    text.append(buffer, size_t(n));
  }
  close(fd);
  return g_list.parse(text.c_str(), error);
}

bool is_suppressed(const Finding *f) {
  if (g_list.size() == 0) return false;
  const char *rule = rule_id(f->rule);
  for (const FindingSection *s = f->sections; s; s = s->next)
    for (const SymbolizedFrame *frame : s->frames) {
      if (!frame->function.empty() && g_list.matches(rule, frame->function.c_str())) return true;
      if (!frame->file.empty() && g_list.matches(rule, frame->file.c_str())) return true;
      if (!frame->module.empty() && g_list.matches(rule, frame->module.c_str())) return true;
    }
  // lock names ("var:NAME" / "site:FILE:LINE") are in the fingerprint basis
  const char *cursor = f->fingerprint_basis.c_str();
  while (*cursor) {
    const char *end = strchr(cursor, '\n');
    Str item;
    item.append(cursor, end ? size_t(end - cursor) : strlen(cursor));
    const char *bare = strchr(item.c_str(), ':');
    if (g_list.matches(rule, item.c_str()) || (bare && g_list.matches(rule, bare + 1))) return true;
    if (!end) break;
    cursor = end + 1;
  }
  return false;
}

}  // namespace interlock
