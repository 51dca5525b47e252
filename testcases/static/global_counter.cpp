// A global counter incremented by two threads with no lock: a race.
// Look-alikes that are not: std::atomic, thread_local, const data.
#include <atomic>
#include <thread>

#include "scenarios.h"

namespace global_counter {

int hits = 0;
std::atomic<int> atomic_hits{0};
thread_local int per_thread_hits = 0;
const int kLimit = 100;
constexpr int kStep = 4;
int steps_taken = 0;

void worker() {
  hits++;                          // RACE
  atomic_hits++;                   // NORACE
  atomic_hits.fetch_add(1);        // NORACE
  per_thread_hits++;               // NORACE
  int steps = kLimit / kStep;      // NORACE
  (void)steps;
}

void run() {
  steps_taken = kLimit;            // NORACE: before any thread starts
  std::thread first(worker);
  std::thread second(worker);
  first.join();
  second.join();
  steps_taken += hits;             // NORACE: both threads joined
}

} // namespace global_counter
