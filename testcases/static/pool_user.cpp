// Work submitted to a pool runs concurrently with the submitter.
#include <atomic>

#include "scenarios.h"
#include "work_queue.h"

namespace pool_user {

long jobs_done = 0;
std::atomic<long> jobs_counted{0};

void run() {
  WorkQueue queue;
  queue.submit([] {
    jobs_done += 1;                                     // RACE
    jobs_counted += 1;                                  // NORACE
  });
  jobs_done += 1;                                       // RACE
  jobs_counted += 1;                                    // NORACE
}

} // namespace pool_user
