// Nested locking that cannot deadlock; nothing here may be reported.
#include <mutex>
#include <thread>

#include "scenarios.h"

namespace lock_order_negatives {

// 1. A gate lock: both orders of x and y, but always under gate_mu.
std::mutex gate_mu, gate_x, gate_y;

void gate_xy() {
  std::lock_guard<std::mutex> gate(gate_mu);            // NODEADLOCK
  std::lock_guard<std::mutex> x(gate_x);                // NODEADLOCK
  std::lock_guard<std::mutex> y(gate_y);                // NODEADLOCK
}

void gate_yx() {
  std::lock_guard<std::mutex> gate(gate_mu);            // NODEADLOCK
  std::lock_guard<std::mutex> y(gate_y);                // NODEADLOCK
  std::lock_guard<std::mutex> x(gate_x);                // NODEADLOCK
}

// 2. A consistent order: p before q everywhere.
std::mutex order_p, order_q;

void ordered_one() {
  std::lock_guard<std::mutex> p(order_p);               // NODEADLOCK
  std::lock_guard<std::mutex> q(order_q);               // NODEADLOCK
}

void ordered_two() {
  std::unique_lock<std::mutex> p(order_p);              // NODEADLOCK
  std::unique_lock<std::mutex> q(order_q);              // NODEADLOCK
}

// 3. std::scoped_lock over both orders: acquired together, no order.
std::mutex scoped_a, scoped_b;

void scoped_ab() {
  std::scoped_lock both(scoped_a, scoped_b);            // NODEADLOCK
}

void scoped_ba() {
  std::scoped_lock both(scoped_b, scoped_a);            // NODEADLOCK
}

// 4. std::lock over both orders.
std::mutex stdlock_a, stdlock_b;

void stdlock_ab() {
  std::lock(stdlock_a, stdlock_b);                      // NODEADLOCK
  stdlock_a.unlock();
  stdlock_b.unlock();
}

void stdlock_ba() {
  std::unique_lock<std::mutex> b(stdlock_b, std::defer_lock);
  std::unique_lock<std::mutex> a(stdlock_a, std::defer_lock);
  std::lock(b, a);                                      // NODEADLOCK
}

// 5. try_lock back-off: the reverse order only tries, and gives up.
std::mutex backoff_first, backoff_second;

void backoff_forward() {
  std::lock_guard<std::mutex> first(backoff_first);     // NODEADLOCK
  std::lock_guard<std::mutex> second(backoff_second);   // NODEADLOCK
}

void backoff_reverse() {
  std::lock_guard<std::mutex> second(backoff_second);   // NODEADLOCK
  if (backoff_first.try_lock()) {                       // NODEADLOCK
    backoff_first.unlock();
  }
}

// 6. Both orders, but only ever on one thread (start-up then shutdown).
std::mutex phase_a, phase_b;

void startup_phase() {
  std::lock_guard<std::mutex> a(phase_a);               // NODEADLOCK
  std::lock_guard<std::mutex> b(phase_b);               // NODEADLOCK
}

void shutdown_phase() {
  std::lock_guard<std::mutex> b(phase_b);               // NODEADLOCK
  std::lock_guard<std::mutex> a(phase_a);               // NODEADLOCK
}

void run() {
  startup_phase();
  std::thread threads[] = {
      std::thread(gate_xy),    std::thread(gate_yx),    std::thread(ordered_one),
      std::thread(ordered_two), std::thread(scoped_ab), std::thread(scoped_ba),
      std::thread(stdlock_ab), std::thread(stdlock_ba), std::thread(backoff_forward),
      std::thread(backoff_reverse)};
  for (std::thread &t : threads)
    t.join();
  shutdown_phase();
}

} // namespace lock_order_negatives
