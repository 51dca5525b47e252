#include "facts/TUFacts.h"

namespace interlock {

std::string AccessPath::key() const {
  std::string out;
  switch (root) {
  case Root::None: return "";
  case Root::Global: out = "G:" + name; break;
  case Root::This: out = "T"; break;
  case Root::Param: out = "P" + std::to_string(index); break;
  case Root::Local: out = "L:" + name; break;
  case Root::Unknown: out = "?:" + name; break;
  }
  for (const std::string &step : steps) {
    out += step == "[*]" ? "" : ".";
    out += step;
  }
  return out;
}

bool sameLockEffects(const std::vector<LockEffect> &a, const std::vector<LockEffect> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].lock.key() != b[i].lock.key() || a[i].shared != b[i].shared)
      return false;
  return true;
}

} // namespace interlock
