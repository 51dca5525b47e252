// LockPath: the structured identity of a resolved lock, and its one
// comparison (mayAlias) that the data-race pass uses to decide whether two
// accesses hold a lock in common. No parsing here: paths are built as the
// program stage builds them, from AccessPaths.
#include "facts/TUFacts.h"
#include "program/LockPath.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using interlock::AccessPath;
using interlock::LockPath;

AccessPath path(AccessPath::Root root, const std::string &name,
                const std::vector<std::string> &steps, int index = -1) {
  AccessPath p;
  p.root = root;
  p.name = name;
  p.steps = steps;
  p.index = index;
  return p;
}

LockPath global(const std::string &name, const std::vector<std::string> &steps = {}) {
  return LockPath::fromResolved(path(AccessPath::Root::Global, name, steps));
}
LockPath unknownThis(const std::string &cls, const std::vector<std::string> &steps) {
  return LockPath::fromResolved(path(AccessPath::Root::This, cls, steps));
}
LockPath param(int index, const std::string &name, const std::vector<std::string> &steps) {
  return LockPath::fromResolved(path(AccessPath::Root::Param, name, steps, index));
}
LockPath local(const std::string &name, const std::vector<std::string> &steps) {
  return LockPath::fromResolved(path(AccessPath::Root::Local, name, steps));
}

/// Asserts mayAlias both ways: the comparison must not depend on the order.
::testing::AssertionResult mayAliasBothWays(const LockPath &a, const LockPath &b) {
  bool ab = a.mayAlias(b), ba = b.mayAlias(a);
  if (ab != ba)
    return ::testing::AssertionFailure()
           << "not symmetric: " << a.key() << " vs " << b.key() << ": " << ab << " / " << ba;
  if (!ab)
    return ::testing::AssertionFailure() << a.key() << " and " << b.key() << " do not alias";
  return ::testing::AssertionSuccess() << a.key() << " and " << b.key() << " alias";
}

// --- the serialized form, shared with fingerprints and graph nodes ---

TEST(LockPath, KeyIsThePrintableFormOfEachRootKind) {
  EXPECT_EQ(global("g_mu").key(), "G:g_mu");
  EXPECT_EQ(global("a", {"Account::mu_"}).key(), "G:a.Account::mu_");
  EXPECT_EQ(unknownThis("LRUCache", {"LRUCache::mutex_"}).key(), "T<LRUCache>.LRUCache::mutex_");
  EXPECT_EQ(param(0, "transfer#0", {"Account::mu_"}).key(), "P0<transfer#0>.Account::mu_");
  EXPECT_EQ(local("m@a.cpp:3#ctx1", {}).key(), "L:m@a.cpp:3#ctx1");
  EXPECT_EQ(unknownThis("ShardedLRUCache", {"ShardedLRUCache::shard_", "[*]", "LRUCache::mutex_"})
                .key(),
            "T<ShardedLRUCache>.ShardedLRUCache::shard_[*].LRUCache::mutex_");
  EXPECT_EQ(global("locks", {"[*]"}).key(), "G:locks[*]");
}

TEST(LockPath, UnresolvedLockKeepsItsOwnPathBehindAQuestionMark) {
  LockPath receiver = LockPath::unresolved(path(AccessPath::Root::This, "", {"Account::mu_"}));
  EXPECT_TRUE(receiver.isUnresolved());
  EXPECT_EQ(receiver.key(), "?T.Account::mu_");
  LockPath opaque = LockPath::unresolved(path(AccessPath::Root::Unknown, "get_lock()", {}));
  EXPECT_EQ(opaque.key(), "??:get_lock()");
  EXPECT_EQ(LockPath::unresolved(AccessPath()).key(), "?");
  // fromResolved of a root the program stage cannot resolve is unresolved too.
  EXPECT_TRUE(LockPath::fromResolved(path(AccessPath::Root::Unknown, "x", {})).isUnresolved());
}

TEST(LockPath, StepsKnowWhetherTheyAreElements) {
  LockPath shard =
      global("cache", {"ShardedLRUCache::shard_", "[*]", "LRUCache::mutex_"});
  ASSERT_EQ(shard.steps.size(), 3u);
  EXPECT_FALSE(shard.steps[0].element);
  EXPECT_TRUE(shard.steps[1].element);
  EXPECT_TRUE(shard.steps[1].field.empty());
  EXPECT_EQ(shard.steps[2].field, "LRUCache::mutex_");
  EXPECT_TRUE(shard.hasElementStep());
  EXPECT_TRUE(shard.isAbstract()); // some element: not one known instance
  ASSERT_NE(shard.lastField(), nullptr);
  EXPECT_EQ(*shard.lastField(), "LRUCache::mutex_");

  LockPath element = global("locks", {"[*]"});
  EXPECT_EQ(element.lastField(), nullptr);
  EXPECT_FALSE(global("a", {"Account::mu_"}).isAbstract());
}

TEST(LockPath, GraphNodeOfAnUnknownInstanceIsItsField) {
  EXPECT_EQ(unknownThis("Account", {"Account::mu_"}).graphNode(), "Account::mu_");
  EXPECT_EQ(param(1, "transfer#1", {"Account::mu_"}).graphNode(), "Account::mu_");
  EXPECT_EQ(param(0, "lock_it#0", {}).graphNode(), "object lock_it#0");
  // Known instances and elements are nodes of their own.
  EXPECT_EQ(global("a", {"Account::mu_"}).graphNode(), "G:a.Account::mu_");
  EXPECT_EQ(unknownThis("Bank", {"Bank::accounts_", "[*]", "Account::mu_"}).graphNode(),
            "T<Bank>.Bank::accounts_[*].Account::mu_");
}

// --- mayAlias: the one comparison of lock identity ---

TEST(LockPathMayAlias, SamePathIsTheSameLock) {
  EXPECT_TRUE(mayAliasBothWays(global("g_mu"), global("g_mu")));
  EXPECT_TRUE(mayAliasBothWays(global("a", {"Account::mu_"}), global("a", {"Account::mu_"})));
  EXPECT_TRUE(mayAliasBothWays(global("locks", {"[*]"}), global("locks", {"[*]"})));
  EXPECT_TRUE(mayAliasBothWays(local("m@a.cpp:3#ctx1", {}), local("m@a.cpp:3#ctx1", {})));
}

// leveldb's util/cache.cc: the library context of LRUCache::Lookup holds
// `this->mutex_` of an unknown LRUCache; ShardedLRUCache::Lookup reaches the
// same code through `shard_[i]` and holds `shard_[*].mutex_`.
TEST(LockPathMayAlias, UnknownThisFieldMatchesThatFieldOfAnElementUnderAnotherRoot) {
  LockPath own = unknownThis("LRUCache", {"LRUCache::mutex_"});
  LockPath throughShard =
      unknownThis("ShardedLRUCache", {"ShardedLRUCache::shard_", "[*]", "LRUCache::mutex_"});
  EXPECT_TRUE(own.isFieldOfUnknownThis());
  EXPECT_FALSE(throughShard.isFieldOfUnknownThis());
  EXPECT_TRUE(mayAliasBothWays(own, throughShard));
  // Also when the wrapper is a known global.
  EXPECT_TRUE(mayAliasBothWays(
      own, global("cache@cache.cc", {"ShardedLRUCache::shard_", "[*]", "LRUCache::mutex_"})));
  // And a field reached through a plain field of another unknown instance.
  EXPECT_TRUE(mayAliasBothWays(
      unknownThis("Inner", {"Inner::mu_"}), unknownThis("Outer", {"Outer::inner_", "Inner::mu_"})));
}

TEST(LockPathMayAlias, MutexFieldOfAnotherClassIsAnotherLock) {
  LockPath cache = unknownThis("LRUCache", {"LRUCache::mutex_"});
  EXPECT_FALSE(cache.mayAlias(unknownThis("Registry", {"Registry::mutex_"})));
  EXPECT_FALSE(cache.mayAlias(
      unknownThis("ShardedLRUCache", {"ShardedLRUCache::id_mutex_"})));
  EXPECT_FALSE(cache.mayAlias(global("g_mutex")));
}

TEST(LockPathMayAlias, TwoGlobalsOfTheSameClassAreTwoLocks) {
  EXPECT_FALSE(global("a", {"Account::mu_"}).mayAlias(global("b", {"Account::mu_"})));
  EXPECT_FALSE(global("b", {"Account::mu_"}).mayAlias(global("a", {"Account::mu_"})));
  EXPECT_FALSE(global("mu1").mayAlias(global("mu2")));
  // Two fields reached under known roots never match by their last field.
  EXPECT_FALSE(global("a", {"Outer::inner_", "Inner::mu_"})
                   .mayAlias(local("x@a.cpp:9#ctx0", {"Inner::mu_"})));
}

TEST(LockPathMayAlias, ParameterRoots) {
  LockPath from = param(0, "transfer#0", {"Account::mu_"});
  LockPath to = param(1, "transfer#1", {"Account::mu_"});
  // `transfer(from, to)`: two unbound parameters are two instances.
  EXPECT_FALSE(from.mayAlias(to));
  EXPECT_FALSE(to.mayAlias(from));
  EXPECT_TRUE(mayAliasBothWays(from, param(0, "transfer#0", {"Account::mu_"})));
  EXPECT_FALSE(from.isFieldOfUnknownThis());
  // The mutex of an unknown `this` may be that of an account passed in.
  EXPECT_TRUE(mayAliasBothWays(unknownThis("Account", {"Account::mu_"}), from));
  // A parameter's own mutex (no field step) is not a field of anything.
  EXPECT_FALSE(unknownThis("Account", {"Account::mu_"}).mayAlias(param(0, "lock_it#0", {})));
}

TEST(LockPathMayAlias, ArrayStepsAreNotFields) {
  // `this->locks_[i]`: an element, not the field `locks_` itself.
  LockPath ownElement = unknownThis("Striped", {"Striped::locks_", "[*]"});
  EXPECT_FALSE(ownElement.isFieldOfUnknownThis());
  EXPECT_FALSE(ownElement.mayAlias(global("g", {"Striped::locks_", "[*]"})));
  // A field of an unknown `this` does not match a path ending in an element.
  LockPath field = unknownThis("Striped", {"Striped::locks_"});
  EXPECT_FALSE(field.mayAlias(global("g", {"Striped::locks_", "[*]"})));
  EXPECT_FALSE(field.mayAlias(global("locks", {"[*]"})));
  // An element step only under `this` (`(*this)[*]`) is no field either.
  EXPECT_FALSE(unknownThis("Pool", {"[*]"}).mayAlias(unknownThis("Pool", {"Pool::mu_"})));
}

TEST(LockPathMayAlias, UnresolvedReceiverEndingInTheFieldMayBeTheUnknownThis) {
  // A callee whose receiver could not be bound locks `?T.LRUCache::mutex_`:
  // an unknown instance of that class too.
  LockPath unbound =
      LockPath::unresolved(path(AccessPath::Root::This, "", {"LRUCache::mutex_"}));
  EXPECT_TRUE(mayAliasBothWays(unknownThis("LRUCache", {"LRUCache::mutex_"}), unbound));
  EXPECT_TRUE(mayAliasBothWays(unbound, unbound));
  // Two unresolved locks match only as the same expression.
  EXPECT_FALSE(unbound.mayAlias(
      LockPath::unresolved(path(AccessPath::Root::Unknown, "get_lock()", {}))));
}

TEST(LockPathMayAlias, NamesContainingDotsDoNotConfuseTheComparison) {
  // File-static globals carry their file name ("mu@a.cpp"); lambda classes
  // are named after their location. Neither is a field step.
  LockPath fileStatic = global("mu@a.cpp");
  EXPECT_TRUE(fileStatic.steps.empty());
  EXPECT_FALSE(unknownThis("X", {"cpp"}).mayAlias(fileStatic));
  LockPath lambdaField = unknownThis("(lambda at /src/a.cpp:3:5)", {"(lambda at /src/a.cpp:3:5)::mu"});
  EXPECT_TRUE(lambdaField.isFieldOfUnknownThis());
  EXPECT_FALSE(lambdaField.mayAlias(global("g", {"(lambda at /src/a.cpp:9:1)::mu"})));
}

} // namespace
