#include "program/LockPath.h"

#include "facts/TUFacts.h"

#include <algorithm>

namespace interlock {

namespace {

const char *const kElementStep = "[*]"; // AccessPath's spelling of an element step

std::vector<LockPath::Step> stepsOf(const AccessPath &path) {
  std::vector<LockPath::Step> steps;
  steps.reserve(path.steps.size());
  for (const std::string &step : path.steps)
    steps.push_back(step == kElementStep ? LockPath::Step::elementStep()
                                         : LockPath::Step::fieldStep(step));
  return steps;
}

} // namespace

LockPath LockPath::fromResolved(const AccessPath &path) {
  LockPath lock;
  switch (path.root) {
  case AccessPath::Root::Global: lock.root = Root::Global; break;
  case AccessPath::Root::This: lock.root = Root::UnknownThis; break;
  case AccessPath::Root::Param: lock.root = Root::Param; lock.index = path.index; break;
  case AccessPath::Root::Local: lock.root = Root::Local; break;
  case AccessPath::Root::None:
  case AccessPath::Root::Unknown: return unresolved(path);
  }
  lock.name = path.name;
  lock.steps = stepsOf(path);
  return lock;
}

LockPath LockPath::unresolved(const AccessPath &path) {
  LockPath lock;
  lock.root = Root::Unresolved;
  if (!path.valid())
    return lock; // nothing to name (AccessPath::key() is "" too)
  AccessPath rootOnly = path;
  rootOnly.steps.clear();
  lock.name = rootOnly.key(); // "T", "P0", "?:expr", "L:x@a.cpp:3"
  lock.steps = stepsOf(path);
  return lock;
}

std::string LockPath::key() const {
  std::string out;
  switch (root) {
  case Root::Global: out = "G:" + name; break;
  case Root::UnknownThis: out = "T<" + name + ">"; break;
  case Root::Param: out = "P" + std::to_string(index) + "<" + name + ">"; break;
  case Root::Local: out = "L:" + name; break;
  case Root::Unresolved: out = "?" + name; break;
  }
  for (const Step &step : steps)
    out += step.element ? std::string(kElementStep) : "." + step.field;
  return out;
}

std::string LockPath::graphNode() const {
  bool unknownInstance = root == Root::UnknownThis || root == Root::Param;
  if (!unknownInstance || hasElementStep())
    return key();
  return steps.empty() ? "object " + name : steps.back().field;
}

bool LockPath::hasElementStep() const {
  return std::any_of(steps.begin(), steps.end(), [](const Step &s) { return s.element; });
}

bool LockPath::isAbstract() const {
  return root == Root::UnknownThis || root == Root::Param || root == Root::Unresolved ||
         hasElementStep();
}

bool LockPath::isFieldOfUnknownThis() const {
  return root == Root::UnknownThis && steps.size() == 1 && !steps.front().element;
}

const std::string *LockPath::lastField() const {
  if (steps.empty() || steps.back().element)
    return nullptr;
  return &steps.back().field;
}

bool LockPath::mayAlias(const LockPath &other) const {
  if (*this == other)
    return true;
  const LockPath *unknown = isFieldOfUnknownThis()         ? this
                            : other.isFieldOfUnknownThis() ? &other
                                                           : nullptr;
  if (!unknown)
    return false;
  const LockPath &reached = unknown == this ? other : *this;
  const std::string *field = reached.lastField();
  return field && *field == unknown->steps.front().field;
}

} // namespace interlock
