#include "account.h"

#include <thread>

namespace account {

void Account::deposit(long amount) {
  std::lock_guard<std::mutex> lock(mu_);
  balance_ += amount;                                   // RACE
}

void Account::withdraw(long amount) {
  std::lock_guard<std::mutex> lock(mu_);
  if (balance_ >= amount)                               // RACE
    balance_ -= amount;                                 // RACE
}

long Account::balance() const {
  std::lock_guard<std::mutex> lock(mu_);
  return balance_;                                      // RACE
}

void Account::add_interest() {
  balance_ += balance_ / 100;                           // RACE mentions=mu_
}

void Inventory::add(int items) {
  std::lock_guard<std::mutex> lock(mu_);
  count_ += items;                                      // NORACE
}

int Inventory::total() const {
  std::lock_guard<std::mutex> lock(mu_);
  return count_locked();
}

int Inventory::count_locked() const {
  return count_;                                        // NORACE
}

void run() {
  Account acct;
  Inventory stock;
  std::thread teller([&] { acct.deposit(10); acct.withdraw(5); stock.add(1); });
  std::thread banker([&] { acct.add_interest(); (void)stock.total(); });
  teller.join();
  banker.join();
  (void)acct.balance();
}

} // namespace account
