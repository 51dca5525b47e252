// Suppressions file (suppressions=FILE), TSan-style: one `rule:pattern` per
// line, `#` starts a comment. `rule` is a rule id or `*`; `pattern` is a glob
// (`*` any run of characters) matched against the function, source file and
// module of EVERY frame of every stack of the finding, and against lock
// names. Example: `lock-order-inversion:legacy_cache_*`.
#pragma once
#include "common/containers.h"

namespace interlock {

struct Finding;

struct Suppression {
  Str rule;
  Str pattern;
};

class SuppressionList {
 public:
  // Parses file text. On a malformed line returns false and sets `error`.
  bool parse(const char *text, Str *error);
  bool matches(const char *rule, const char *subject) const;
  size_t size() const { return rules_.size(); }
  const Suppression &at(size_t i) const { return *rules_[i]; }

 private:
  Vec<Suppression *> rules_;
};

bool glob_match(const char *pattern, const char *text);
// Loads options().suppressions (once); false with a message on error.
bool load_suppressions(Str *error);
bool is_suppressed(const Finding *finding);

}  // namespace interlock
