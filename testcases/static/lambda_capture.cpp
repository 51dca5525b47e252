// A lambda capturing a local by reference shares it with the spawning
// function. Look-alikes: joined before the read; data set up before the
// thread starts and only read by it.
#include <cstdio>
#include <thread>
#include <vector>

#include "scenarios.h"

namespace lambda_capture {

static void shared_total() {
  int total = 0;
  std::thread adder([&total] {
    total += 1;                                         // RACE
  });
  total += 2;                                           // RACE
  adder.join();
  std::printf("%d\n", total);                           // NORACE: after join
}

static void joined_before_read() {
  int result = 0;
  std::thread producer([&] {
    result = 42;                                        // NORACE
  });
  producer.join();
  std::printf("%d\n", result);                          // NORACE
}

static void set_up_before_start() {
  std::vector<int> settings;
  settings.push_back(7);                                // NORACE: before the thread
  settings.push_back(8);                                // NORACE
  std::thread reader([&settings] {
    std::printf("%zu\n", settings.size());              // NORACE: only reads
  });
  reader.join();
  settings.clear();                                     // NORACE: after join
}

void run() {
  shared_total();
  joined_before_read();
  set_up_before_start();
}

} // namespace lambda_capture
