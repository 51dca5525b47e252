// A class that owns a mutex and uses it: its public methods may run
// concurrently (RacerD's library assumption), so the one method that forgets
// the lock races with all the others.
#pragma once

#include <mutex>

namespace account {

class Account {
public:
  void deposit(long amount);
  void withdraw(long amount);
  long balance() const;
  void add_interest();          // forgets the lock

private:
  mutable std::mutex mu_;
  long balance_ = 0;
};

// Every access is under the lock, one of them through a private helper
// called with the lock held: no race.
class Inventory {
public:
  void add(int items);
  int total() const;

private:
  int count_locked() const;     // requires mu_ held by the caller
  mutable std::mutex mu_;
  int count_ = 0;
};

void run();

} // namespace account
