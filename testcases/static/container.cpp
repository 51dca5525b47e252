// push_back on a shared std::vector from two threads is a write race; the
// same under a mutex is not, nor is reading the size after both are joined.
#include <mutex>
#include <thread>
#include <vector>

#include "scenarios.h"

namespace container {

std::vector<int> results;
std::vector<int> safe_results;
std::mutex safe_results_mu;

void produce(int value) {
  results.push_back(value);                             // RACE
}

void produce_safely(int value) {
  std::lock_guard<std::mutex> guard(safe_results_mu);
  safe_results.push_back(value);                        // NORACE
}

void run() {
  std::thread a(produce, 1);
  std::thread b(produce, 2);
  std::thread c(produce_safely, 3);
  std::thread d(produce_safely, 4);
  a.join();
  b.join();
  c.join();
  d.join();
  results.push_back(static_cast<int>(safe_results.size())); // NORACE
}

} // namespace container
