// Self-deadlock: a non-recursive mutex re-acquired while held, directly on
// one path, and through a call. Look-alikes: recursive_mutex, unlock before
// the call, a unique_lock released before re-locking.
#include <mutex>
#include <thread>
#include <vector>

#include "scenarios.h"

namespace double_lock {

class Registry {
public:
  void add(int id) {
    std::lock_guard<std::mutex> guard(mu_);             // DOUBLELOCK
    ids_.push_back(id);
  }

  void add_pair(int first, int second) {
    std::lock_guard<std::mutex> guard(mu_);
    ids_.push_back(first);
    add(second);                                        // re-enters add() holding mu_
  }

  void add_pair_unlocked(int first, int second) {
    std::unique_lock<std::mutex> guard(mu_);
    ids_.push_back(first);
    guard.unlock();
    add(second);                                        // NODOUBLELOCK
  }

private:
  std::mutex mu_;
  std::vector<int> ids_;
};

std::mutex retry_mu;
int retries = 0;

void retry_on_error(bool failed) {
  retry_mu.lock();
  if (failed) {
    ++retries;
    retry_mu.lock();                                    // DOUBLELOCK
  }
  retry_mu.unlock();
}

std::recursive_mutex tree_mu;
int tree_depth = 0;

void walk_tree(int depth) {
  std::lock_guard<std::recursive_mutex> guard(tree_mu); // NODOUBLELOCK
  tree_depth = depth;
  if (depth > 0)
    walk_tree(depth - 1);
}

std::mutex relock_mu;

void relock_after_unlock() {
  std::unique_lock<std::mutex> guard(relock_mu);
  guard.unlock();
  guard.lock();                                         // NODOUBLELOCK
}

void run() {
  Registry registry;
  registry.add(1);
  registry.add_pair_unlocked(2, 3);
  std::thread a([&registry] { registry.add_pair(4, 5); });
  a.join();
  retry_on_error(false);
  walk_tree(3);
  relock_after_unlock();
}

} // namespace double_lock
