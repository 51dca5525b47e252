#include "program/Program.h"

#include <algorithm>
#include <deque>
#include <set>

namespace interlock {

std::string ThreadContext::describe() const {
  if (isMain)
    return "the main thread";
  if (library)
    return "a caller of `" + entryName + "` (public method of a class that uses a lock; "
           "assumed callable from any thread)";
  std::string where = spawnSite.file.empty()
                          ? std::string()
                          : " spawned at " + spawnSite.file.substr(spawnSite.file.rfind('/') + 1) +
                                ":" + std::to_string(spawnSite.line);
  return "thread `" + entryName + "`" + where + (selfConcurrent ? " (several instances)" : "");
}

namespace {

/// A resolved path with the identity of its root made program-wide.
struct Resolved {
  AccessPath path;
  bool valid() const { return path.valid(); }
};

std::string shortField(const std::string &step) {
  size_t colon = step.rfind("::");
  return colon == std::string::npos ? step : step.substr(colon + 2);
}

/// The program-wide key of a resolved path, spelled as a lock's (one
/// serialization for locks and access locations).
std::string resolvedKey(const AccessPath &p) { return LockPath::fromResolved(p).key(); }

std::string displayOf(const AccessPath &p) {
  std::string out;
  switch (p.root) {
  case AccessPath::Root::Global: out = p.name.substr(0, p.name.find('@')); break;
  case AccessPath::Root::Local: out = p.name.substr(0, p.name.find('@')); break;
  case AccessPath::Root::This: out = ""; break;
  case AccessPath::Root::Param: out = p.spelling.empty() ? "parameter" : p.spelling; break;
  default: out = "?"; break;
  }
  for (const std::string &step : p.steps) {
    if (step == "[*]") {
      out += "[]";
      continue;
    }
    if (out.empty() && p.root == AccessPath::Root::This) {
      out = shortField(step); // a field of `this`: spelled as in the source
      continue;
    }
    out += (out.empty() ? "" : ".") + shortField(step);
  }
  if (out.empty())
    out = p.root == AccessPath::Root::This ? (p.name.empty() ? "*this" : p.name) : "?";
  return out;
}

bool lessPos(const Position &a, const Position &b);

class Expander {
public:
  Expander(const std::vector<TUFactsPtr> &tus, const AnalyzerConfig &config, Program &out)
      : config_(config), out_(out) {
    for (const TUFactsPtr &tu : tus) {
      if (!tu)
        continue;
      for (const FunctionFacts &fn : tu->functions) {
        if (fn.usr.empty())
          continue;
        auto [it, inserted] = functions_.emplace(fn.usr, &fn);
        (void)it;
        (void)inserted; // inline functions seen by several TUs: the first copy wins
      }
      for (const ClassFacts &cls : tu->classes) {
        classes_.emplace(cls.name, &cls);
        for (const auto &[field, guard] : cls.guardedBy)
          out_.declaredGuards.emplace(field, guard);
      }
    }
  }

  void run();

private:
  using Bindings = std::map<std::string, AccessPath>; ///< callee root key -> resolved path

  Resolved resolve(const AccessPath &p, const Bindings &bindings) const;
  ResolvedLock resolveLock(const HeldLock &h, const Bindings &bindings) const;
  ResolvedLock lockFrom(const Resolved &r, bool shared, const SourceSite &at) const;
  void expandContext(int ctx);
  void expand(int ctx, const std::string &usr, const Bindings &bindings,
              const std::vector<ResolvedLock> &heldAtCall, const Position &prefix,
              const std::vector<SourceSite> &chain, std::vector<std::string> &stack);
  int newContext(ThreadContext ctx);
  void addLibraryContexts();

  const AnalyzerConfig &config_;
  Program &out_;
  std::map<std::string, const FunctionFacts *> functions_;
  std::map<std::string, const ClassFacts *> classes_;
  std::map<std::string, Bindings> contextBindings_; ///< by context id
  std::set<std::string> spawnedKeys_;
  /// Joins of thread handles kept in globals, wherever they are made: a
  /// thread started by one function and joined by another (start_x() /
  /// stop_x() pairs) is joined at the second call.
  struct GlobalJoin {
    int context;
    std::string handleKey;
    Position pos;
  };
  std::vector<GlobalJoin> globalJoins_;
  void joinThroughGlobalHandles();
  int expandingContext_ = -1; ///< the context expandContext is working on (owner of unbound locals)
  const std::vector<std::string> *expandingStack_ = nullptr; ///< its call stack (USRs)
  int ownerOfUnboundLocal(const AccessPath &local) const;
  std::set<std::string> reachedFromThreads_;
  size_t budget_ = 2'000'000; ///< events; bounded so a huge program cannot exhaust memory
  static constexpr size_t maxCallDepth = 48;
  static constexpr size_t maxContexts = 20000; ///< distinct spawn sites x call paths
};

Resolved Expander::resolve(const AccessPath &p, const Bindings &bindings) const {
  Resolved r;
  if (!p.valid() || p.root == AccessPath::Root::Unknown)
    return r;
  std::string rootKey;
  switch (p.root) {
  case AccessPath::Root::Global: r.path = p; return r;
  case AccessPath::Root::This: rootKey = "T"; break;
  case AccessPath::Root::Param: rootKey = "P" + std::to_string(p.index); break;
  case AccessPath::Root::Local: rootKey = "L:" + p.name; break;
  default: return r;
  }
  auto it = bindings.find(rootKey);
  if (it == bindings.end()) {
    if (p.root == AccessPath::Root::Local) {
      // A local of the function being expanded: it lives in a frame of the
      // context being expanded. Two threads that each call the function
      // have one local each, so the owner context is part of its identity;
      // the spawner's local passed to its threads keeps the spawner's owner
      // through the spawn bindings. What a local pointer points to (`p->f`)
      // is not in the frame: see withoutFrame.
      r.path = p;
      r.path.name += "#ctx" + std::to_string(ownerOfUnboundLocal(p));
    }
    return r; // an unbound this / parameter: a fresh or unknown object
  }
  if (!it->second.valid())
    return r;
  r.path = it->second;
  for (const std::string &step : p.steps)
    r.path.steps.push_back(step);
  return r;
}

/// The identity of a resolved path. A local pointer's own storage is one
/// per activation (its owner context stays in the key), but what it points
/// to (`p->f`, `p[i]`, also after passing `p` to a callee) is not in the
/// frame: the same code in two threads may reach one object, so the owner
/// is dropped.
AccessPath withoutFrame(AccessPath path) {
  if (path.root == AccessPath::Root::Local && path.index == AccessPath::kPointerLocal &&
      !path.steps.empty())
    path.name = path.name.substr(0, path.name.find("#ctx"));
  return path;
}

ResolvedLock lockAt(LockPath path, std::string display, bool shared, const SourceSite &at) {
  ResolvedLock lock;
  lock.path = std::move(path);
  lock.key = lock.path.key();
  lock.node = lock.path.graphNode();
  lock.display = std::move(display);
  lock.shared = shared;
  lock.acquiredAt = at;
  return lock;
}

ResolvedLock Expander::lockFrom(const Resolved &r, bool shared, const SourceSite &at) const {
  return lockAt(LockPath::fromResolved(withoutFrame(r.path)), displayOf(r.path), shared, at);
}

ResolvedLock Expander::resolveLock(const HeldLock &h, const Bindings &bindings) const {
  Resolved r = resolve(h.lock, bindings);
  if (!r.valid()) // its identity is the unresolved path itself
    return lockAt(LockPath::unresolved(h.lock), h.lock.spelling, h.shared, h.acquiredAt);
  return lockFrom(r, h.shared, h.acquiredAt);
}

int Expander::ownerOfUnboundLocal(const AccessPath &local) const {
  // Declared by a function being expanded: this context's frame. Otherwise
  // a lambda's capture whose binding was not passed along (a lambda called
  // from a thread's lambda): the frame is the spawner's.
  bool onStack = expandingStack_ && (local.declaredIn.empty() ||
                                     std::find(expandingStack_->begin(), expandingStack_->end(),
                                               local.declaredIn) != expandingStack_->end());
  if (onStack || out_.contexts[expandingContext_].parent < 0)
    return expandingContext_;
  return out_.contexts[expandingContext_].parent;
}

int Expander::newContext(ThreadContext ctx) {
  ctx.id = static_cast<int>(out_.contexts.size());
  out_.contexts.push_back(std::move(ctx));
  return out_.contexts.back().id;
}

void Expander::expand(int ctx, const std::string &usr, const Bindings &bindings,
                      const std::vector<ResolvedLock> &heldAtCall, const Position &prefix,
                      const std::vector<SourceSite> &chain, std::vector<std::string> &stack) {
  auto found = functions_.find(usr);
  if (found == functions_.end())
    return;
  const FunctionFacts &fn = *found->second;
  if (stack.size() >= maxCallDepth) {
    out_.limitsHit.push_back("call depth bound (" + std::to_string(maxCallDepth) +
                             ") reached in `" + fn.name + "`");
    return;
  }
  if (std::find(stack.begin(), stack.end(), usr) != stack.end())
    return; // recursion: its effects are already on the stack
  size_t events = fn.accesses.size() + fn.acquires.size() + fn.calls.size();
  if (events > budget_) {
    if (out_.limitsHit.empty() || out_.limitsHit.back().rfind("event budget", 0) != 0)
      out_.limitsHit.push_back("event budget exhausted; some call paths were not expanded");
    return;
  }
  budget_ -= events;
  if (!out_.contexts[ctx].isMain && !out_.contexts[ctx].library)
    reachedFromThreads_.insert(usr);
  stack.push_back(usr);

  auto withHeld = [&](const std::vector<HeldLock> &local,
                      const std::vector<AccessPath> &released) {
    std::vector<ResolvedLock> held;
    for (const ResolvedLock &outer : heldAtCall) { // minus what this function let go
      bool dropped = false;
      for (const AccessPath &r : released) {
        Resolved rr = resolve(r, bindings);
        dropped = dropped ||
                  (rr.valid() && LockPath::fromResolved(withoutFrame(rr.path)) == outer.path);
      }
      if (!dropped)
        held.push_back(outer);
    }
    for (const HeldLock &h : local) {
      ResolvedLock lock = resolveLock(h, bindings);
      bool dup = false;
      for (const ResolvedLock &e : held)
        dup = dup || e.path == lock.path;
      if (!dup)
        held.push_back(lock);
    }
    return held;
  };
  auto at = [&](unsigned offset) {
    Position pos = prefix;
    pos.push_back(offset);
    return pos;
  };

  for (const AccessFact &a : fn.accesses) {
    Resolved r = resolve(a.path, bindings);
    if (!r.valid())
      continue;
    // In a library context every Param root left is the entry method's own
    // parameter: the unseen caller's object (`*result = ...`), not shared
    // state of the class (RacerD reports fields of `this`, not out-parameters).
    // A thread entry's argument keeps its spawner's binding and stays shared.
    if (out_.contexts[ctx].library && r.path.root == AccessPath::Root::Param)
      continue;
    ResolvedAccess access;
    AccessPath location = withoutFrame(r.path);
    while (!location.steps.empty() && location.steps.back() == "[*]")
      location.steps.pop_back();
    access.location = resolvedKey(location);
    access.field = location.steps.empty() ? std::string() : location.steps.back();
    access.display = displayOf(location);
    access.write = a.write;
    access.localRoot = r.path.root == AccessPath::Root::Local;
    access.held = withHeld(a.held, a.releasedBefore);
    access.site = a.site;
    access.context = ctx;
    access.pos = at(a.offset);
    access.callChain = chain;
    out_.accesses.push_back(std::move(access));
  }
  for (const AcquireFact &a : fn.acquires) {
    Resolved r = resolve(a.lock, bindings);
    ResolvedAcquire acq;
    if (r.valid()) {
      acq.lock = lockFrom(r, a.shared, a.site);
    } else {
      acq.lock = resolveLock({a.lock, a.shared, a.site}, bindings);
    }
    acq.heldBefore = withHeld(a.heldBefore, a.releasedBefore);
    acq.isTry = a.isTry;
    acq.recursive = a.recursive;
    acq.site = a.site;
    acq.context = ctx;
    acq.pos = at(a.offset);
    acq.callChain = chain;
    out_.acquires.push_back(std::move(acq));
  }
  for (const UnresolvedLockFact &u : fn.unresolvedLocks)
    out_.unresolvedLocks.push_back(u);
  for (const JoinFact &j : fn.joins)
    if (j.handleKey.rfind("G:", 0) == 0)
      globalJoins_.push_back({ctx, j.handleKey, at(j.offset)});

  for (const SpawnFact &s : fn.spawns) {
    std::string spawnKey = std::to_string(ctx) + "|" + usr + "|" + std::to_string(s.offset) +
                           "|" + s.entryUsr;
    for (unsigned p : prefix)
      spawnKey += "," + std::to_string(p);
    if (!spawnedKeys_.insert(spawnKey).second)
      continue;
    // A thread that (transitively) spawns its own entry again from the same
    // site: one context with several instances, not an endless chain.
    bool recursiveSpawn = false;
    for (int c = ctx; c >= 0; c = out_.contexts[c].parent) {
      ThreadContext &ancestor = out_.contexts[c];
      if (ancestor.entryUsr == s.entryUsr && ancestor.spawnSite.line == s.site.line &&
          ancestor.spawnSite.file == s.site.file) {
        ancestor.selfConcurrent = true;
        recursiveSpawn = true;
        break;
      }
    }
    if (recursiveSpawn)
      continue;
    if (out_.contexts.size() >= maxContexts) {
      if (std::find(out_.limitsHit.begin(), out_.limitsHit.end(), "thread context bound") ==
          out_.limitsHit.end())
        out_.limitsHit.push_back("thread context bound");
      continue;
    }
    ThreadContext child;
    child.parent = ctx;
    child.entryUsr = s.entryUsr;
    child.entryName = s.entryName;
    child.spawnSite = s.site;
    child.spawnPos = at(s.offset);
    child.selfConcurrent = s.inLoop || s.pool;
    if (!s.pool)
      child.handleKey = s.handleKey;
    if (!s.handleKey.empty() && !s.pool) {
      unsigned best = 0;
      for (const JoinFact &j : fn.joins)
        if (j.handleKey == s.handleKey && j.offset > s.offset && (best == 0 || j.offset < best))
          best = j.offset;
      if (best != 0)
        child.joinPos = at(best);
    }
    Bindings childBindings;
    for (const Binding &b : s.bindings) {
      Resolved r = resolve(b.to, bindings);
      if (r.valid())
        childBindings[b.from.key()] = r.path;
      else if (b.to.root == AccessPath::Root::Global)
        childBindings[b.from.key()] = b.to;
    }
    int id = newContext(std::move(child));
    contextBindings_[std::to_string(id)] = std::move(childBindings);
  }

  for (const CallFact &c : fn.calls) {
    Bindings calleeBindings;
    for (const Binding &b : c.bindings) {
      Resolved r = resolve(b.to, bindings);
      if (r.valid())
        calleeBindings[b.from.key()] = r.path;
    }
    // Locals captured by reference keep their identity through nested lambdas.
    for (const auto &[key, path] : bindings)
      if (key.rfind("L:", 0) == 0 && !calleeBindings.count(key))
        calleeBindings[key] = path;
    std::vector<SourceSite> calleeChain = chain;
    calleeChain.push_back(c.site);
    expand(ctx, c.calleeUsr, calleeBindings, withHeld(c.held, c.releasedBefore), at(c.offset), calleeChain, stack);
  }
  stack.pop_back();
}

void Expander::expandContext(int ctx) {
  expandingContext_ = ctx;
  std::vector<std::string> stack;
  expandingStack_ = &stack;
  Bindings bindings = contextBindings_[std::to_string(ctx)];
  std::string usr = out_.contexts[ctx].entryUsr;
  auto fn = functions_.find(usr);
  if (fn != functions_.end() && !bindings.count("T") && fn->second->isMethod) {
    AccessPath self; // an unknown instance of the class
    self.root = AccessPath::Root::This;
    self.name = fn->second->className;
    self.spelling = "this";
    bindings["T"] = self;
  }
  if (fn != functions_.end()) {
    const std::vector<std::string> &names = fn->second->paramNames;
    for (size_t i = 0; i < names.size(); ++i) { // unbound: unknown objects of that function
      std::string key = "P" + std::to_string(i);
      if (!bindings.count(key)) {
        AccessPath param;
        param.root = AccessPath::Root::Param;
        param.index = static_cast<int>(i);
        param.name = fn->second->name + "#" + std::to_string(i);
        param.spelling = names[i].empty() ? "parameter " + std::to_string(i + 1) + " of `" +
                                                fn->second->name + "`"
                                          : names[i];
        bindings[key] = param;
      }
    }
  }
  expand(ctx, usr, bindings, {}, {}, {}, stack);
  expandingStack_ = nullptr;
}

void Expander::joinThroughGlobalHandles() {
  for (ThreadContext &child : out_.contexts) {
    if (child.parent < 0 || !child.joinPos.empty() || child.handleKey.rfind("G:", 0) != 0)
      continue;
    for (const GlobalJoin &j : globalJoins_) {
      if (j.context != child.parent || j.handleKey != child.handleKey ||
          !lessPos(child.spawnPos, j.pos))
        continue; // another context's join, another handle, or before the spawn
      if (child.joinPos.empty() || lessPos(j.pos, child.joinPos))
        child.joinPos = j.pos;
    }
  }
}

void Expander::addLibraryContexts() {
  if (!config_.assumeConcurrentPublicMethods)
    return;
  // Classes that own a mutex and lock something of `this` in some method.
  std::set<std::string> lockingClasses;
  for (const auto &[usr, fn] : functions_) {
    if (!fn->isMethod || fn->className.empty())
      continue;
    auto cls = classes_.find(fn->className);
    if (cls == classes_.end() || !cls->second->ownsMutex)
      continue;
    for (const AcquireFact &a : fn->acquires)
      if (a.lock.root == AccessPath::Root::This)
        lockingClasses.insert(fn->className);
  }
  // As RacerD: such a class is meant to be thread-safe, so its public
  // methods may be called concurrently whether or not the threads that do so
  // are visible in this program.
  for (const auto &[usr, fn] : functions_) {
    if (!fn->isMethod || !fn->isPublicMethod || fn->isCtorOrDtor ||
        !lockingClasses.count(fn->className))
      continue;
    ThreadContext ctx;
    ctx.entryUsr = usr;
    ctx.entryName = fn->name;
    ctx.spawnSite = fn->site;
    ctx.selfConcurrent = true;
    ctx.library = true;
    int id = newContext(std::move(ctx));
    expandContext(id);
  }
}

void Expander::run() {
  for (const auto &[usr, fn] : functions_) {
    if (!fn->isMain)
      continue;
    ThreadContext main;
    main.entryUsr = usr;
    main.entryName = "main";
    main.isMain = true;
    newContext(std::move(main));
    break;
  }
  // Contexts are appended while expanding (spawns); expand them in order.
  for (size_t i = 0; i < out_.contexts.size(); ++i)
    expandContext(static_cast<int>(i));
  joinThroughGlobalHandles();
  addLibraryContexts();
  for (size_t i = 0; i < out_.contexts.size(); ++i) // spawns made by library methods
    if (out_.contexts[i].parent >= 0 && out_.contexts[out_.contexts[i].parent].library &&
        !contextBindings_.count("done" + std::to_string(i))) {
      contextBindings_["done" + std::to_string(i)] = {};
      expandContext(static_cast<int>(i));
    }
}

bool lessPos(const Position &a, const Position &b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
}

/// Is `pos` (in the parent) between the child's spawn and its join?
bool duringChild(const ThreadContext &child, const Position &pos) {
  if (!lessPos(child.spawnPos, pos))
    return false; // before the spawn (the loop's start for a spawn in a loop)
  return child.joinPos.empty() || lessPos(pos, child.joinPos);
}

std::vector<int> ancestry(const Program &p, int ctx) {
  std::vector<int> chain;
  for (int c = ctx; c >= 0; c = p.contexts[c].parent)
    chain.push_back(c);
  std::reverse(chain.begin(), chain.end()); // root first
  return chain;
}

} // namespace

bool mayHappenInParallel(const Program &program, int ctxA, const Position &posA, int ctxB,
                         const Position &posB) {
  const ThreadContext &a = program.contexts[ctxA];
  const ThreadContext &b = program.contexts[ctxB];
  if (ctxA == ctxB)
    return a.selfConcurrent || a.library;
  std::vector<int> upA = ancestry(program, ctxA), upB = ancestry(program, ctxB);
  for (int c : upA)
    if (program.contexts[c].library)
      return true;
  for (int c : upB)
    if (program.contexts[c].library)
      return true;
  // Descendants of a self-concurrent context: instances overlap.
  size_t common = 0;
  while (common < upA.size() && common < upB.size() && upA[common] == upB[common])
    ++common;
  if (common == 0)
    return true; // unrelated roots
  int lca = upA[common - 1];
  (void)lca;
  if (common == upA.size()) { // A is an ancestor of B
    const ThreadContext &child = program.contexts[upB[common]];
    return duringChild(child, posA);
  }
  if (common == upB.size()) {
    const ThreadContext &child = program.contexts[upA[common]];
    return duringChild(child, posB);
  }
  const ThreadContext &childA = program.contexts[upA[common]];
  const ThreadContext &childB = program.contexts[upB[common]];
  // Sequential phases: one child is joined before the other is spawned.
  bool aBeforeB = !childA.joinPos.empty() && !lessPos(childB.spawnPos, childA.joinPos);
  bool bBeforeA = !childB.joinPos.empty() && !lessPos(childA.spawnPos, childB.joinPos);
  (void)a;
  (void)b;
  return !aBeforeB && !bBeforeA;
}

Program buildProgram(const std::vector<TUFactsPtr> &tus, const AnalyzerConfig &config) {
  Program program;
  Expander expander(tus, config, program);
  expander.run();
  return program;
}

} // namespace interlock
