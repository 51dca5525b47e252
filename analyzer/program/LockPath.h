// The identity of a lock after whole-program resolution, as a structure: the
// kind of its root (a global, `this` of an unknown instance, an entry's
// unbound parameter, a local, or unresolved) and the steps from there, each a
// field or an element of an array / container.
//
// Its key() is the printable, serialized form ("T<LRUCache>.LRUCache::mutex_",
// "G:cache.ShardedLRUCache::shard_[*].LRUCache::mutex_"): it names graph
// nodes and lock sets in fingerprints. Every decision about identity (same
// lock, may be the same lock, an element of a container, unresolved) is made
// on the structure, never by reading the key's text back.
#pragma once

#include <string>
#include <vector>

namespace interlock {

struct AccessPath;

struct LockPath {
  enum class Root : unsigned char {
    Global,      ///< a global / static / static member; `name` is its qualified name
    UnknownThis, ///< `this` of an instance nobody bound (a library entry's receiver); `name` is its class
    Param,       ///< a parameter of an entry nobody bound; `name` "fn#i", `index` i
    Local,       ///< a local variable; `name` is its declaration key (with its owner context)
    Unresolved   ///< the analysis could not name it; `name` is the unresolved root's own key
  };

  /// One step from the root: a field ("Account::mu_", qualified by the class
  /// that declares it) or any element of an array / container ("[*]").
  struct Step {
    std::string field; ///< empty for an element step
    bool element = false;

    static Step fieldStep(std::string field) { return {std::move(field), false}; }
    static Step elementStep() { return {std::string(), true}; }
    bool operator==(const Step &other) const {
      return element == other.element && field == other.field;
    }
    bool operator!=(const Step &other) const { return !(*this == other); }
  };

  Root root = Root::Unresolved;
  std::string name;
  int index = -1; ///< Param: the parameter's position
  std::vector<Step> steps;

  /// A path the program stage resolved (rooted at a global, an unknown
  /// `this`, an unbound parameter or a local).
  static LockPath fromResolved(const AccessPath &path);
  /// A lock the program stage could not resolve (an unbound receiver of a
  /// callee, an opaque expression): it keeps the unresolved path's steps.
  static LockPath unresolved(const AccessPath &path);

  /// The serialized form: "G:g_mu", "T<Account>.Account::mu_",
  /// "P0<transfer#0>.Account::mu_", "L:m@a.cpp:3#ctx1", "?T.Account::mu_";
  /// element steps print as "[*]", field steps as ".Field".
  std::string key() const;
  /// The lock-graph node: the instance itself, or, for a field of an unknown
  /// instance (`this` / an unbound parameter), the field: all unknown
  /// instances of a class are one node, so `transfer(a, b)` / `transfer(b, a)`
  /// is a cycle of one node.
  std::string graphNode() const;

  bool hasElementStep() const;
  bool isUnresolved() const { return root == Root::Unresolved; }
  /// Not one known instance: rooted at an unknown `this` / parameter,
  /// unresolved, or an element of a container (any one of them).
  bool isAbstract() const;
  /// `this->field` of an unknown instance: exactly one step, a field.
  bool isFieldOfUnknownThis() const;
  /// The last step when it is a field (`shard_[*].mutex_` -> "LRUCache::mutex_"); nullptr otherwise.
  const std::string *lastField() const;

  /// May the two paths name the same mutex at run time? The same path; or a
  /// field of an unknown `this` and any path ending in that same field (the
  /// library context of `LRUCache::Lookup` holds `this->mutex_`,
  /// ShardedLRUCache reaches the same code through `shard_[i]` and holds
  /// `shard_[*].mutex_`: the analysis cannot tell those instances apart, so
  /// they are taken to be one lock). Two known roots (two globals of one
  /// class, a global and a local) never match by field alone. Symmetric.
  bool mayAlias(const LockPath &other) const;

  bool operator==(const LockPath &other) const {
    return root == other.root && index == other.index && name == other.name &&
           steps == other.steps;
  }
  bool operator!=(const LockPath &other) const { return !(*this == other); }
};

} // namespace interlock
