// Rule descriptions, fingerprints and path filters.
#include "output/Output.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/GlobPattern.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/SHA256.h>

namespace interlock {

const std::vector<RuleInfo> &knownRules() {
  static const std::vector<RuleInfo> rules = {
      {"data-race", "DataRace", "Unguarded shared state",
       "Two accesses to the same shared location may run in parallel, at least "
       "one of them writes, and no lock is held in common at both.",
       "Protect every access of the location with the same mutex (the message "
       "names the lock most sites already hold), make it std::atomic, or make "
       "sure the accesses cannot overlap (join the thread before reading, set "
       "the data up before starting the thread)."},
      {"lock-order-inversion", "LockOrderInversion", "Lock-order cycle (potential deadlock)",
       "Locks are acquired in an order that forms a cycle across threads: each "
       "thread can hold one lock of the cycle while waiting for the next.",
       "Acquire the locks in one global order everywhere, take them together "
       "with std::scoped_lock / std::lock, or release the first lock before "
       "calling code that takes the second."},
      {"double-lock", "DoubleLock", "Non-recursive mutex acquired twice (self-deadlock)",
       "A thread acquires a non-recursive mutex it already holds, directly or "
       "through a call; the second acquisition blocks forever.",
       "Do not call the locking function while holding the lock: split it into "
       "a locked public entry and an unlocked private helper, or (as a last "
       "resort) use a recursive mutex."},
      {"unresolved-lock", "UnresolvedLock", "Lock whose identity could not be resolved",
       "The analysis could not tell which mutex a lock operation refers to, so "
       "its effect on races and lock order is not known.",
       "Usually harmless; lock through a named global, member or parameter so "
       "the analysis can follow it."},
      {"invalid-suppression", "InvalidSuppression", "Suppression comment without a reason",
       "An `interlock: ignore` comment must give a reason after `--`; without one "
       "it suppresses nothing.",
       "Write `// interlock: ignore RULE -- why this is safe`."},
  };
  return rules;
}

std::string fingerprintOf(const Finding &finding) {
  std::string key = finding.ruleId;
  key += '\0';
  if (!finding.fingerprintKey.empty()) {
    key += finding.fingerprintKey;
  } else {
    // Fallback when the analysis gave no key: still free of line numbers
    // unless the message itself contains some.
    key += finding.site.function;
    key += '\0';
    key += finding.message;
  }
  auto digest = llvm::SHA256::hash(llvm::arrayRefFromStringRef(key));
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest.data(), 16), /*LowerCase=*/true);
}

bool isSystemPath(llvm::StringRef path) {
  static const char *const systemPrefixes[] = {"/usr/include/", "/usr/local/include/",
                                               "/usr/lib/", "/lib/", "/usr/share/"};
  for (const char *prefix : systemPrefixes)
    if (path.starts_with(prefix))
      return true;
  return false;
}

struct PathExcluder::Compiled {
  std::string text;
  llvm::GlobPattern pattern;
};

llvm::Expected<PathExcluder> PathExcluder::create(const std::vector<std::string> &globs,
                                                  std::string sourceRoot) {
  PathExcluder excluder;
  excluder.sourceRoot_ = std::move(sourceRoot);
  llvm::SmallString<256> cwd;
  if (!llvm::sys::fs::current_path(cwd))
    excluder.workingDirectory_ = cwd.str().str();
  for (const std::string &glob : globs) {
    auto pattern = llvm::GlobPattern::create(glob);
    if (!pattern)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "invalid --exclude glob '" + glob +
                                         "': " + llvm::toString(pattern.takeError()));
    excluder.globs_.push_back(
        std::make_shared<Compiled>(Compiled{glob, std::move(*pattern)}));
  }
  return excluder;
}

// A glob without '/' matches any single path component ("vendor", "*.pb.cc"),
// as in .gitignore. A glob with '/' matches the absolute path, or the path
// relative to the source root or to the working directory. Either way, a match
// on a leading directory excludes everything below it.
bool PathExcluder::excludes(llvm::StringRef path) const {
  llvm::SmallVector<llvm::StringRef, 3> candidates = {path};
  auto addRelative = [&](llvm::StringRef base) {
    if (!base.empty() && path.starts_with(base) && path.size() > base.size() &&
        path[base.size()] == '/')
      candidates.push_back(path.drop_front(base.size() + 1));
  };
  addRelative(sourceRoot_);
  addRelative(workingDirectory_);
  for (const auto &glob : globs_) {
    bool componentGlob = llvm::StringRef(glob->text).rtrim('/').find('/') ==
                         llvm::StringRef::npos;
    for (llvm::StringRef candidate : candidates) {
      // Every leading part ending at a '/' boundary, then the whole path.
      for (size_t end = candidate.find('/', 1);; end = candidate.find('/', end + 1)) {
        llvm::StringRef prefix = candidate.take_front(end);
        llvm::StringRef component = prefix.rsplit('/').second.empty()
                                        ? prefix
                                        : prefix.rsplit('/').second;
        if (componentGlob ? glob->pattern.match(component) : glob->pattern.match(prefix))
          return true;
        if (end == llvm::StringRef::npos)
          break;
      }
    }
  }
  return false;
}

std::string commonSourceRoot(const std::vector<std::string> &files) {
  if (files.empty())
    return "";
  std::string root = llvm::sys::path::parent_path(files.front()).str();
  for (const std::string &file : files) {
    while (!root.empty() && root != "/" &&
           !llvm::StringRef(file).starts_with(root + "/"))
      root = llvm::sys::path::parent_path(root).str();
  }
  return root.empty() ? "/" : root;
}

} // namespace interlock
