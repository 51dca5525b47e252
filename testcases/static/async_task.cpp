// std::async with std::launch::async runs the callable on another thread:
// the spawner's write before get() races with it; after get() it does not.
#include <future>

#include "scenarios.h"

namespace async_task {

long progress = 0;

void run() {
  auto done = std::async(std::launch::async, [] {
    progress += 10;                                     // RACE
  });
  progress += 1;                                        // RACE
  done.get();
  progress += 5;                                        // NORACE: after get()
}

} // namespace async_task
