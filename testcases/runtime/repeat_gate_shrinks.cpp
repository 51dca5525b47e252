// The repeat path must not hide news, gate edition. Thread one takes
// left -> right a hundred times, always under `gate` (after the first time the
// edge is known and the acquisitions take the runtime's fast path). Thread two
// takes right -> left, also under `gate`: a gated cycle, not a deadlock, silent
// so far. Then thread one takes left -> right once WITHOUT the gate: a known
// edge, but with fewer gates than every earlier occurrence. That occurrence
// must reach the lock graph, which then holds a cycle no common gate protects:
// reported.
// EXPECT-STDERR: Cycle: mutex `left` -> mutex `right` -> mutex `left`|Cycle: mutex `right` -> mutex `left` -> mutex `right`
#include <mutex>
#include <thread>

#include "turns.h"

static std::mutex gate;
static std::mutex left;
static std::mutex right;
static int moves;

int main() {
  turns_init();
  std::thread one([] {
    turn_begin(0);
    for (int i = 0; i < 100; i++) {
      std::lock_guard<std::mutex> gate_guard(gate);
      std::lock_guard<std::mutex> left_guard(left);  // MAY: lock-order-inversion
      std::lock_guard<std::mutex> right_guard(right);  // MAY: lock-order-inversion
      moves++;
    }
    turn_end(0);
    turn_begin(2);
    {
      std::lock_guard<std::mutex> left_guard(left);  // MAY: lock-order-inversion
      std::lock_guard<std::mutex> right_guard(right);  // MAY: lock-order-inversion
      moves++;
    }
    turn_end(2);
  });
  std::thread two([] {
    turn_begin(1);
    std::lock_guard<std::mutex> gate_guard(gate);
    std::lock_guard<std::mutex> right_guard(right);  // EXPECT: lock-order-inversion
    std::lock_guard<std::mutex> left_guard(left);  // EXPECT: lock-order-inversion
    moves--;
    turn_end(1);
  });
  one.join();
  two.join();
  return moves == 100 ? 0 : 1;
}
