// Five dining philosophers with std::mutex forks: each takes the left fork,
// then the right one. Philosopher 4's right fork is philosopher 0's left
// fork, which closes a cycle of five edges. They eat in turns here, so the
// run finishes, but the order graph has the five-way potential deadlock.
#include <mutex>
#include <thread>
#include <vector>

#include "turns.h"

static constexpr int kSeats = 5;
static std::mutex forks[kSeats];
static int meals[kSeats];

static void dine(int seat) {
  turn_begin(seat);
  std::mutex &left = forks[seat];
  std::mutex &right = forks[(seat + 1) % kSeats];
  left.lock();  // EXPECT: lock-order-inversion
  right.lock();  // EXPECT: lock-order-inversion
  meals[seat]++;
  right.unlock();
  left.unlock();
  turn_end(seat);
}

int main() {
  turns_init();
  std::vector<std::thread> philosophers;
  for (int seat = 0; seat < kSeats; seat++) philosophers.emplace_back(dine, seat);
  for (auto &philosopher : philosophers) philosopher.join();
  return 0;
}
