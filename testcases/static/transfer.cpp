// Two instances of one class's mutex locked nested: transfer(a, b) on one
// thread and transfer(b, a) on another deadlock. Ordering both locks with
// std::scoped_lock or std::lock removes the cycle.
#include <functional>
#include <mutex>
#include <thread>

#include "scenarios.h"

namespace transfer {

struct Wallet {
  std::mutex mu;
  long coins = 100;
};

void transfer(Wallet &from, Wallet &to, long amount) {
  std::lock_guard<std::mutex> source(from.mu);          // DEADLOCK
  std::lock_guard<std::mutex> target(to.mu);            // DEADLOCK
  from.coins -= amount;                                 // NORACE
  to.coins += amount;                                   // NORACE
}

void scoped_transfer(Wallet &from, Wallet &to, long amount) {
  std::scoped_lock both(from.mu, to.mu);                // NODEADLOCK
  from.coins -= amount;                                 // NORACE
  to.coins += amount;                                   // NORACE
}

void std_lock_transfer(Wallet &from, Wallet &to, long amount) {
  std::lock(from.mu, to.mu);                            // NODEADLOCK
  std::lock_guard<std::mutex> source(from.mu, std::adopt_lock);
  std::lock_guard<std::mutex> target(to.mu, std::adopt_lock);
  from.coins -= amount;                                 // NORACE
  to.coins += amount;                                   // NORACE
}

void run() {
  Wallet alice, bob;
  std::thread t1(transfer, std::ref(alice), std::ref(bob), 1);
  std::thread t2(transfer, std::ref(bob), std::ref(alice), 2);
  std::thread t3(scoped_transfer, std::ref(alice), std::ref(bob), 3);
  std::thread t4(scoped_transfer, std::ref(bob), std::ref(alice), 4);
  std::thread t5(std_lock_transfer, std::ref(alice), std::ref(bob), 5);
  std::thread t6(std_lock_transfer, std::ref(bob), std::ref(alice), 6);
  t1.join(); t2.join(); t3.join(); t4.join(); t5.join(); t6.join();
}

} // namespace transfer
