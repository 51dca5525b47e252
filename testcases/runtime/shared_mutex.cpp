// std::shared_mutex: a reader of `catalog` takes `prices` exclusively, while
// another thread holds `prices` exclusively and then wants `catalog`
// exclusively. A writer waits for readers, so this is a real potential
// deadlock even though one side only reads.
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "turns.h"

static std::shared_mutex catalog;
static std::shared_mutex prices;
static int items, total;

static void price_report() {
  std::shared_lock<std::shared_mutex> reading(catalog);  // EXPECT: lock-order-inversion
  std::unique_lock<std::shared_mutex> writing(prices);  // EXPECT: lock-order-inversion
  total = items * 3;
}

static void restock() {
  std::unique_lock<std::shared_mutex> writing_prices(prices);  // EXPECT: lock-order-inversion
  std::unique_lock<std::shared_mutex> writing_catalog(catalog);  // EXPECT: lock-order-inversion
  items++;
}

int main() {
  turns_init();
  std::thread reporter([] {
    turn_begin(0);
    price_report();
    turn_end(0);
  });
  std::thread stocker([] {
    turn_begin(1);
    restock();
    turn_end(1);
  });
  reporter.join();
  stocker.join();
  return 0;
}
