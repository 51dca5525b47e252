// Plain-data facts extracted from one translation unit (no AST pointers:
// TUs are parsed in parallel and freed before the whole-program stage).
//
// Everything is expressed with access paths relative to the function that
// records it: rooted at a global, at `this`, at a parameter, or at a local
// variable (locals are only recorded when their address may escape).
#pragma once

#include "interlock/Finding.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace interlock {

/// An access path: root plus a list of field steps ("Account::mu_") and
/// element steps ("[*]": any element of an array or container).
struct AccessPath {
  enum class Root : unsigned char {
    None,    ///< not a path (no location)
    Global,  ///< global / static / static member; `name` is its qualified name
    This,    ///< the function's `this`; `name` is the class name
    Param,   ///< parameter `index`; `name` is its spelling
    Local,   ///< a local variable; `name` is a key unique to its declaration
    Unknown  ///< a lock or location whose identity could not be resolved
  };
  Root root = Root::None;
  /// Param: the parameter's position. Local: kPointerLocal when the variable
  /// is a pointer or reference (its field steps are then in the pointee),
  /// kOwnedPointerLocal when it only ever points to fresh allocations made
  /// by the function (the pointee is then as private as the local).
  int index = -1;
  static constexpr int kPointerLocal = 1;
  static constexpr int kOwnedPointerLocal = 2;
  std::string name;
  std::vector<std::string> steps;
  /// How the path reads in source ("from.mu_", "g_mu", "this->balance_").
  std::string spelling;
  /// Local: the USR of the function whose frame holds the variable (differs
  /// from the analyzed function for a lambda's by-reference capture).
  std::string declaredIn;

  bool valid() const { return root != Root::None; }
  /// Stable identity string, e.g. "G:g_mu", "T.Account::mu_", "P0.Account::mu_".
  std::string key() const;
};

/// A lock held at some program point.
struct HeldLock {
  AccessPath lock;
  bool shared = false;      ///< held in read mode (lock_shared, rdlock, shared_lock)
  SourceSite acquiredAt;    ///< where this function acquired it (empty for REQUIRES)
};

struct AccessFact {
  AccessPath path;
  bool write = false;
  std::vector<HeldLock> held;
  /// Locks this function released without holding them (its caller's):
  /// they are not held here even if the caller held them at the call.
  std::vector<AccessPath> releasedBefore;
  SourceSite site;
  unsigned offset = 0;      ///< source offset in the function, for spawn/join ordering
};

struct AcquireFact {
  AccessPath lock;
  bool shared = false;
  bool isTry = false;       ///< a trylock: adds no lock-order edge into this lock
  bool recursive = false;   ///< std::recursive_mutex and friends
  /// Locks held just before. Locks taken together by std::lock /
  /// std::scoped_lock share one snapshot, so no edges arise among them.
  std::vector<HeldLock> heldBefore;
  std::vector<AccessPath> releasedBefore;
  SourceSite site;
  unsigned offset = 0;
};

/// A lock whose identity could not be resolved (reported, never dropped).
struct UnresolvedLockFact {
  std::string expression;
  SourceSite site;
};

/// Binds a path of the callee (its parameter, its `this`, a local of the caller
/// captured by reference in a lambda) to a path of the caller.
struct Binding {
  AccessPath from;          ///< callee-side root (Param i / This / Local key)
  AccessPath to;            ///< caller-side path
};

struct CallFact {
  std::string calleeUsr;
  std::string calleeName;
  std::vector<Binding> bindings;
  std::vector<HeldLock> held;
  std::vector<AccessPath> releasedBefore;
  SourceSite site;
  unsigned offset = 0;
};

struct SpawnFact {
  std::string entryUsr;     ///< function, lambda operator() or functor operator()
  std::string entryName;
  std::vector<Binding> bindings;
  std::string handleKey;    ///< thread / future / pthread_t variable or container
  bool inLoop = false;      ///< spawned repeatedly: instances run in parallel
  bool pool = false;        ///< submitted to a thread pool (never joined, many workers)
  SourceSite site;
  unsigned offset = 0;      ///< where it starts (loop start when in a loop)
};

struct JoinFact {
  std::string handleKey;
  SourceSite site;
  unsigned offset = 0;      ///< where it is done (loop end when in a loop)
};

/// A lock effect that outlives the function (wrappers): the function returns
/// holding `lock` (acquire) or having released it (release).
struct LockEffect {
  AccessPath lock;
  bool shared = false;
};

struct FunctionFacts {
  std::string usr;
  std::string name;          ///< qualified, human readable
  std::string className;     ///< for methods
  SourceSite site;
  bool isMethod = false;
  bool isPublicMethod = false;
  bool isCtorOrDtor = false;
  bool isStatic = false;
  bool isMain = false;
  /// Parameter spellings by position ("" for an unnamed one): an entry's
  /// unbound parameter is named after them in messages.
  std::vector<std::string> paramNames;
  std::vector<AccessFact> accesses;
  std::vector<AcquireFact> acquires;
  std::vector<UnresolvedLockFact> unresolvedLocks;
  std::vector<CallFact> calls;
  std::vector<SpawnFact> spawns;
  std::vector<JoinFact> joins;
  std::vector<LockEffect> acquiresOnReturn;
  std::vector<LockEffect> releasesOnReturn;
};

/// Same locks (by access path key) in the same modes, in the same order.
bool sameLockEffects(const std::vector<LockEffect> &a, const std::vector<LockEffect> &b);

/// What a wrapper defined in one TU does to its caller's lockset.
struct ExternalLockEffects {
  std::vector<LockEffect> acquiresOnReturn;
  std::vector<LockEffect> releasesOnReturn;
};

/// Wrappers of the whole program by USR (AnalyzerConfig::externalLockEffects).
struct ExternalLockEffectMap {
  std::map<std::string, ExternalLockEffects> byUsr;
};

struct ClassFacts {
  std::string name;
  bool ownsMutex = false;    ///< has a field holding a mutex (a mutex, or a class wrapping one)
  /// Declared guards: field ("Account::balance_") -> lock spelling ("mu_").
  std::vector<std::pair<std::string, std::string>> guardedBy;
};

struct TUFacts {
  std::string mainFile;
  std::vector<FunctionFacts> functions;
  std::vector<ClassFacts> classes;
  /// Functions called here (constructors and destructors of guard-like
  /// locals included) whose body is in another TU, by USR: when one of them
  /// turns out to be a lock wrapper, this TU is analyzed again.
  std::set<std::string> externalCallees;
};

} // namespace interlock
