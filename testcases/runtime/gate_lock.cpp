// Negative: two threads take `left` and `right` in opposite orders, but
// always while holding the common `gate` mutex, so they can never interleave
// inside the inner section: the cycle is guarded by a gate lock, not a
// deadlock (the classic false positive of lock-order detectors).
#include <mutex>
#include <thread>

#include "turns.h"

static std::mutex gate;
static std::mutex left;
static std::mutex right;
static int moves;

static void left_then_right() {
  std::lock_guard<std::mutex> gate_guard(gate);
  std::lock_guard<std::mutex> left_guard(left);  // NOT: lock-order-inversion
  std::lock_guard<std::mutex> right_guard(right);  // NOT: lock-order-inversion
  moves++;
}

static void right_then_left() {
  std::lock_guard<std::mutex> gate_guard(gate);
  std::lock_guard<std::mutex> right_guard(right);  // NOT: lock-order-inversion
  std::lock_guard<std::mutex> left_guard(left);  // NOT: lock-order-inversion
  moves--;
}

int main() {
  turns_init();
  std::thread one([] {
    turn_begin(0);
    left_then_right();
    turn_end(0);
  });
  std::thread two([] {
    turn_begin(1);
    right_then_left();
    turn_end(1);
  });
  one.join();
  two.join();
  return moves;
}
