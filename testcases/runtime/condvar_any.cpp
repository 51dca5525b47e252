// Negative: a producer/consumer queue with std::condition_variable_any over a
// std::mutex. libstdc++'s condition_variable_any has its own internal mutex:
// wait() locks it, releases the user's lock, waits, then unlocks the internal
// mutex BEFORE re-locking the user's lock, and notify_one() takes it while the
// producer holds the user's lock. So the only order is user lock -> internal
// mutex, with out-of-order unlocks on the way: nothing to report.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

static std::mutex queue_mutex;
static std::condition_variable_any queue_changed;
static std::deque<int> queue;
static constexpr int kItems = 200;

static void produce() {
  for (int item = 1; item <= kItems; item++) {
    std::unique_lock<std::mutex> lock(queue_mutex);  // NOT: lock-order-inversion
    queue.push_back(item);
    queue_changed.notify_one();  // NOT: lock-order-inversion
  }
}

static long consume() {
  long sum = 0;
  for (int received = 0; received < kItems; received++) {
    std::unique_lock<std::mutex> lock(queue_mutex);  // NOT: lock-order-inversion
    queue_changed.wait(lock, [] { return !queue.empty(); });  // NOT: lock-order-inversion
    sum += queue.front();
    queue.pop_front();
  }
  return sum;
}

int main() {
  long sum = 0;
  std::thread consumer([&] { sum = consume(); });
  std::thread producer(produce);
  producer.join();
  consumer.join();
  return sum == static_cast<long>(kItems) * (kItems + 1) / 2 ? 0 : 1;
}
