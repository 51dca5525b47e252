// Negative: std::scoped_lock and std::lock take several mutexes at once with
// a deadlock-avoidance algorithm (lock one, try the others, back off), so
// naming them in opposite orders in different threads is safe.
#include <mutex>
#include <thread>

#include "turns.h"

static std::mutex accounts;
static std::mutex audit;
static int entries;

static void scoped_forward() {
  std::scoped_lock both(accounts, audit);  // NOT: lock-order-inversion
  entries++;
}

static void scoped_backward() {
  std::scoped_lock both(audit, accounts);  // NOT: lock-order-inversion
  entries++;
}

static void std_lock_backward() {
  std::unique_lock<std::mutex> audit_lock(audit, std::defer_lock);
  std::unique_lock<std::mutex> accounts_lock(accounts, std::defer_lock);
  std::lock(audit_lock, accounts_lock);  // NOT: lock-order-inversion
  entries++;
}

int main() {
  turns_init();
  std::thread one([] {
    turn_begin(0);
    scoped_forward();
    turn_end(0);
  });
  std::thread two([] {
    turn_begin(1);
    scoped_backward();
    turn_end(1);
  });
  std::thread three([] {
    turn_begin(2);
    std_lock_backward();
    turn_end(2);
  });
  one.join();
  two.join();
  three.join();
  return entries == 3 ? 0 : 1;
}
