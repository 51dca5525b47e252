// The whole program: facts of all TUs merged by USR, thread contexts (main,
// every spawn reached from it, RacerD-style library contexts), and every
// access / acquisition expanded into the contexts that execute it, with
// callee paths substituted by the caller's arguments and the caller's held
// locks added.
#pragma once

#include "facts/TUFacts.h"
#include "interlock/Analysis.h"
#include "program/LockPath.h"

#include <map>
#include <string>
#include <vector>

namespace interlock {

/// Where an event happens inside its context: the offsets of the calls that
/// lead to it from the context's entry, then its own offset. Positions of one
/// context compare lexicographically (program order, ignoring loops).
using Position = std::vector<unsigned>;

struct ResolvedLock {
  LockPath path;         ///< identity of this instance; decisions compare it (LockPath::mayAlias)
  std::string key;       ///< path.key(): its printable form ("G:a.Account::mu_", "T<Account>.Account::mu_")
  std::string node;      ///< path.graphNode(): the instance, or its field when the instance is unknown
  std::string display;   ///< for messages ("a.mu_", "Account::mu_")
  bool shared = false;
  SourceSite acquiredAt;
};

struct ThreadContext {
  int id = 0;
  int parent = -1;            ///< the context that spawned it
  std::string entryUsr;
  std::string entryName;
  SourceSite spawnSite;
  Position spawnPos;          ///< in the parent
  Position joinPos;           ///< in the parent; empty: never joined
  std::string handleKey;      ///< where the spawner keeps the handle ("G:tid"), if known
  bool selfConcurrent = false;///< several instances run at once
  bool library = false;       ///< RacerD's assumption: may run concurrently with anything
  bool isMain = false;
  std::string describe() const;
};

struct ResolvedAccess {
  std::string location;       ///< resolved key; container elements fold into the container
  std::string field;          ///< the location's last field ("Account::balance_"); "" for a variable itself
  std::string display;
  bool write = false;
  bool localRoot = false;     ///< a local of some activation: instances of one context never share it
  std::vector<ResolvedLock> held;
  SourceSite site;
  int context = 0;
  Position pos;
  std::vector<SourceSite> callChain; ///< call sites from the context entry
};

struct ResolvedAcquire {
  ResolvedLock lock;
  std::vector<ResolvedLock> heldBefore;
  bool isTry = false;
  bool recursive = false;
  SourceSite site;
  int context = 0;
  Position pos;
  std::vector<SourceSite> callChain;
};

struct Program {
  std::vector<ThreadContext> contexts;
  std::vector<ResolvedAccess> accesses;
  std::vector<ResolvedAcquire> acquires;
  std::vector<UnresolvedLockFact> unresolvedLocks;
  /// field ("Account::balance_") -> declared guard spelling (GUARDED_BY)
  std::map<std::string, std::string> declaredGuards;
  /// Bounds hit while expanding (call depth, event budget): said in a note.
  std::vector<std::string> limitsHit;
};

Program buildProgram(const std::vector<TUFactsPtr> &tus, const AnalyzerConfig &config);

/// May the two events run at the same time? Two contexts that can coexist
/// (create/join ordering in their common ancestor), or one context with
/// several instances.
bool mayHappenInParallel(const Program &program, int ctxA, const Position &posA, int ctxB,
                         const Position &posB);

} // namespace interlock
