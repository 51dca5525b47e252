// std::recursive_mutex: re-entering it while already held is fine and adds
// no edge, but holding it while taking cache_mutex, against a thread that
// holds cache_mutex and takes tree_mutex, is an ordinary inversion. The held
// side of the edge is the OUTER acquisition, not the nested re-entry.
#include <mutex>
#include <thread>

#include "turns.h"

static std::recursive_mutex tree_mutex;
static std::mutex cache_mutex;
static int depth, cached;

static void rebalance() {
  std::lock_guard<std::recursive_mutex> again(tree_mutex);  // NOT: lock-order-inversion
  depth++;
}

static void insert_and_cache() {
  tree_mutex.lock();  // EXPECT: lock-order-inversion
  rebalance();
  cache_mutex.lock();  // EXPECT: lock-order-inversion
  cached++;
  cache_mutex.unlock();
  tree_mutex.unlock();
}

static void evict() {
  cache_mutex.lock();  // EXPECT: lock-order-inversion
  tree_mutex.lock();  // EXPECT: lock-order-inversion
  cached--;
  tree_mutex.unlock();
  cache_mutex.unlock();
}

int main() {
  turns_init();
  std::thread inserter([] {
    turn_begin(0);
    insert_and_cache();
    turn_end(0);
  });
  std::thread evicter([] {
    turn_begin(1);
    evict();
    turn_end(1);
  });
  inserter.join();
  evicter.join();
  return 0;
}
