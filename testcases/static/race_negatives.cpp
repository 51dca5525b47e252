// Shared data protected in the ways real code protects it: nothing here
// races, except the two writes made under a *shared* (reader) lock.
#include <condition_variable>
#include <mutex>
#include <shared_mutex>
#include <thread>

#include "scenarios.h"

namespace race_negatives {

// One lock around every access, taken through different guard types.
std::mutex tally_mu;
long tally = 0;

void tally_with_guard() {
  std::lock_guard<std::mutex> guard(tally_mu);
  tally += 1;                                           // NORACE
}

void tally_with_scoped_lock() {
  std::scoped_lock guard(tally_mu);
  tally += 2;                                           // NORACE
}

void tally_with_deferred_lock() {
  std::unique_lock<std::mutex> guard(tally_mu, std::defer_lock);
  guard.lock();
  tally += 3;                                           // NORACE
}

void tally_with_try_lock() {
  if (tally_mu.try_lock()) {
    tally += 4;                                         // NORACE
    tally_mu.unlock();
  }
}

void tally_with_manual_lock() {
  tally_mu.lock();
  tally += 5;                                           // NORACE
  tally_mu.unlock();
}

// Readers under a shared lock, the writer under an exclusive lock.
std::shared_mutex table_mu;
int table_value = 0;
int table_misuse = 0;

void table_reader() {
  std::shared_lock<std::shared_mutex> read(table_mu);
  int seen = table_value;                               // NORACE
  (void)seen;
}

void table_writer() {
  std::unique_lock<std::shared_mutex> write(table_mu);
  table_value = 1;                                      // NORACE
}

// A write under a shared lock is not protected against another one.
void table_shared_writer() {
  std::shared_lock<std::shared_mutex> read(table_mu);
  table_misuse++;                                       // RACE
}

// condition_variable::wait keeps the lock held around the wait.
std::mutex ready_mu;
std::condition_variable ready_cv;
bool ready = false;
int payload = 0;

void wait_for_payload() {
  std::unique_lock<std::mutex> lock(ready_mu);
  ready_cv.wait(lock, [] { return ready; });
  int got = payload;                                    // NORACE
  (void)got;
}

void publish_payload() {
  {
    std::lock_guard<std::mutex> lock(ready_mu);
    payload = 42;                                       // NORACE
    ready = true;                                       // NORACE
  }
  ready_cv.notify_one();
}

void run() {
  std::thread threads[] = {
      std::thread(tally_with_guard),       std::thread(tally_with_scoped_lock),
      std::thread(tally_with_deferred_lock), std::thread(tally_with_try_lock),
      std::thread(tally_with_manual_lock), std::thread(table_reader),
      std::thread(table_writer),           std::thread(table_shared_writer),
      std::thread(table_shared_writer),    std::thread(wait_for_payload),
      std::thread(publish_payload)};
  for (std::thread &t : threads)
    t.join();
}

} // namespace race_negatives
