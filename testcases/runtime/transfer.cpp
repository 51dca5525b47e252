// The classic bank transfer: lock the source account, then the target.
// transfer(a, b) and transfer(b, a) from two threads take the two account
// mutexes in opposite orders: a potential deadlock between two instances of
// the same class, both acquisitions on the same two source lines.
// Heap mutexes have no symbol: named by their first acquisition site.
// EXPECT-STDERR: mutex M\d+ \(first acquired at transfer\.cpp:\d+\)
#include <memory>
#include <mutex>
#include <thread>

#include "turns.h"

class Account {
 public:
  explicit Account(long cents) : cents_(cents) {}

  static void transfer(Account &from, Account &to, long cents) {
    std::lock_guard<std::mutex> source_guard(from.mutex_);  // EXPECT: lock-order-inversion
    std::lock_guard<std::mutex> target_guard(to.mutex_);  // EXPECT: lock-order-inversion
    from.cents_ -= cents;
    to.cents_ += cents;
  }

 private:
  std::mutex mutex_;
  long cents_;
};

int main() {
  turns_init();
  auto checking = std::make_unique<Account>(100);
  auto savings = std::make_unique<Account>(100);
  std::thread payday([&] {
    turn_begin(0);
    Account::transfer(*checking, *savings, 10);
    turn_end(0);
  });
  std::thread rent([&] {
    turn_begin(1);
    Account::transfer(*savings, *checking, 20);
    turn_end(1);
  });
  payday.join();
  rent.join();
  return 0;
}
