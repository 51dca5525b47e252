#include "sarif/Model.h"

#include "util/Util.h"

namespace interlock::report {

bool sameFile(const std::string &a, const std::string &b) {
  if (a.empty() || b.empty())
    return false;
  if (a == b)
    return true;
  // One side may be relative (a static log without SRCROOT): match by suffix.
  bool aAbs = a[0] == '/', bAbs = b[0] == '/';
  if (aAbs == bAbs)
    return false;
  const std::string &abs = aAbs ? a : b;
  const std::string &rel = aAbs ? b : a;
  return endsWith(abs, "/" + rel);
}

bool samePlace(const Site &a, const Site &b) {
  return a.line == b.line && a.line > 0 && sameFile(a.path, b.path);
}

int levelRank(const std::string &level) {
  if (level == "error")
    return 3;
  if (level == "warning")
    return 2;
  if (level == "note")
    return 1;
  return 0;
}

void foldLevelAndSuppression(Finding &into, const Finding &other) {
  if (levelRank(other.level) > levelRank(into.level))
    into.level = other.level;
  if (other.suppressedBy.empty())
    into.suppressedBy.clear();
}

const char *originName(Origin origin) {
  switch (origin) {
  case Origin::Static:
    return "static";
  case Origin::Runtime:
    return "runtime";
  case Origin::CrossRun:
    return "cross-run";
  }
  return "runtime";
}

} // namespace interlock::report
