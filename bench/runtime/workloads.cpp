// Whole-program workloads for the runtime benchmarks (bench/runtime/run.py).
// Each run executes ONE workload, named on the command line, and prints its
// own wall time; run.py measures wall time and peak RSS from the outside, with
// and without libinterlock preloaded and under ThreadSanitizer.
//
//   interlock_bench_workloads <workload> [scale]     (scale: work multiplier, default 1)
//   interlock_bench_workloads --list
//
// The workloads are written to finish in a few tenths of a second each,
// uninstrumented, on a 2-core machine, and to be deterministic in the amount
// of work done (not in interleaving). Each checks its result and exits 1 when
// the work was done wrongly, so a broken runtime cannot look fast.
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

long scaled(long base, double scale) { return static_cast<long>(base * scale) > 0 ? static_cast<long>(base * scale) : 1; }

void run_threads(int count, const std::function<void(int)> &body) {
  std::vector<std::thread> threads;
  for (int i = 0; i < count; i++) threads.emplace_back(body, i);
  for (auto &thread : threads) thread.join();
}

// One thread, one std::mutex, nobody else: the fast path of every detector.
bool uncontended_std(double scale) {
  std::mutex mutex;
  long counter = 0;
  const long iterations = scaled(20'000'000, scale);
  for (long i = 0; i < iterations; i++) {
    mutex.lock();
    counter++;
    mutex.unlock();
  }
  return counter == iterations;
}

// The same through the pthread C API.
bool uncontended_pthread(double scale) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  long counter = 0;
  const long iterations = scaled(20'000'000, scale);
  for (long i = 0; i < iterations; i++) {
    pthread_mutex_lock(&mutex);
    counter++;
    pthread_mutex_unlock(&mutex);
  }
  return counter == iterations;
}

// Four threads each take three of eight mutexes, nested, always in index
// order: many known edges, no cycle. Exercises the "edge already known" path.
bool nested_consistent(double scale) {
  constexpr int kLocks = 8;
  std::mutex locks[kLocks];
  long counters[kLocks] = {};
  const long iterations = scaled(750'000, scale);
  run_threads(4, [&](int id) {
    for (long i = 0; i < iterations; i++) {
      int first = static_cast<int>((i + id) % (kLocks - 2));
      int second = first + 1 + static_cast<int>(i % (kLocks - first - 2));
      int third = kLocks - 1;
      std::lock_guard<std::mutex> a(locks[first]);
      std::lock_guard<std::mutex> b(locks[second]);
      std::lock_guard<std::mutex> c(locks[third]);
      counters[third]++;
    }
  });
  return counters[kLocks - 1] == 4 * iterations;
}

// Bounded queue, two condition variables, two producers, two consumers.
bool producer_consumer(double scale) {
  std::mutex mutex;
  std::condition_variable not_full, not_empty;
  std::deque<long> queue;
  constexpr size_t kCapacity = 64;
  const long per_producer = scaled(200'000, scale);
  std::atomic<long> consumed_sum{0};
  std::vector<std::thread> threads;
  for (int p = 0; p < 2; p++) {
    threads.emplace_back([&] {
      for (long item = 1; item <= per_producer; item++) {
        std::unique_lock<std::mutex> lock(mutex);
        not_full.wait(lock, [&] { return queue.size() < kCapacity; });
        queue.push_back(item);
        not_empty.notify_one();
      }
    });
  }
  for (int c = 0; c < 2; c++) {
    threads.emplace_back([&] {
      long sum = 0;
      for (long n = 0; n < per_producer; n++) {
        std::unique_lock<std::mutex> lock(mutex);
        not_empty.wait(lock, [&] { return !queue.empty(); });
        sum += queue.front();
        queue.pop_front();
        not_full.notify_one();
      }
      consumed_sum += sum;
    });
  }
  for (auto &thread : threads) thread.join();
  return consumed_sum == 2 * (per_producer * (per_producer + 1) / 2);
}

// A std::shared_mutex guarding a map: 4 threads, 95% lookups, 5% updates.
bool shared_map(double scale) {
  std::shared_mutex mutex;
  std::map<int, long> table;
  for (int key = 0; key < 1024; key++) table[key] = 0;
  const long operations = scaled(600'000, scale);
  std::atomic<long> writes{0};
  run_threads(4, [&](int id) {
    unsigned state = 12345u + static_cast<unsigned>(id);
    long local_writes = 0;
    for (long i = 0; i < operations; i++) {
      state = state * 1103515245u + 12345u;
      int key = static_cast<int>((state >> 8) % 1024);
      if ((state >> 20) % 20 == 0) {
        std::unique_lock<std::shared_mutex> lock(mutex);
        table[key]++;
        local_writes++;
      } else {
        std::shared_lock<std::shared_mutex> lock(mutex);
        volatile long value = table.find(key)->second;
        (void)value;
      }
    }
    writes += local_writes;
  });
  long total = 0;
  for (auto &entry : table) total += entry.second;
  return total == writes;
}

// 100k mutexes alive at once, each locked once, then destroyed; heap
// std::mutex (no init/destroy calls) and pthread_mutex_init/destroy, in
// rounds (the scale multiplies the rounds, not the 100k).
bool mutex_churn(double scale) {
  const long count = 100'000;
  const long rounds = scaled(12, scale);
  long locked = 0;
  for (long round = 0; round < rounds; round++) {
    std::vector<std::unique_ptr<std::mutex>> mutexes;
    mutexes.reserve(count);
    for (long i = 0; i < count; i++) mutexes.push_back(std::make_unique<std::mutex>());
    for (auto &mutex : mutexes) {
      std::lock_guard<std::mutex> guard(*mutex);
      locked++;
    }
    std::vector<pthread_mutex_t> raw(count);
    for (auto &mutex : raw) pthread_mutex_init(&mutex, nullptr);
    for (auto &mutex : raw) {
      pthread_mutex_lock(&mutex);
      locked++;
      pthread_mutex_unlock(&mutex);
    }
    for (auto &mutex : raw) pthread_mutex_destroy(&mutex);
  }
  return locked == 2 * rounds * count;
}

// 10k short threads, 8 alive at a time, each taking a shared mutex and a
// mutex of its own: thread start/exit cost and per-thread state churn.
bool short_threads(double scale) {
  std::mutex shared;
  long counter = 0;
  const long total = scaled(10'000, scale);
  for (long started = 0; started < total; started += 8) {
    std::vector<std::thread> batch;
    for (long i = started; i < started + 8 && i < total; i++) {
      batch.emplace_back([&] {
        std::mutex own;
        std::lock_guard<std::mutex> outer(own);
        std::lock_guard<std::mutex> inner(shared);
        counter++;
      });
    }
    for (auto &thread : batch) thread.join();
  }
  return counter == total;
}

// Two threads take the same two mutexes in opposite orders, the second one
// only by try_lock, backing off (release everything, yield) when it fails.
bool trylock_backoff(double scale) {
  std::mutex first, second;
  long done = 0;
  const long iterations = scaled(2'000'000, scale);
  auto body = [&](std::mutex &outer, std::mutex &inner) {
    for (long i = 0; i < iterations;) {
      outer.lock();
      if (inner.try_lock()) {
        done++;
        i++;
        inner.unlock();
        outer.unlock();
      } else {
        outer.unlock();
        std::this_thread::yield();
      }
    }
  };
  std::thread one(body, std::ref(first), std::ref(second));
  std::thread two(body, std::ref(second), std::ref(first));
  one.join();
  two.join();
  return done == 2 * iterations;
}

struct Workload {
  const char *name;
  bool (*run)(double scale);
};

const Workload kWorkloads[] = {
    {"uncontended_std", uncontended_std},     {"uncontended_pthread", uncontended_pthread},
    {"nested_consistent", nested_consistent}, {"producer_consumer", producer_consumer},
    {"shared_map", shared_map},               {"mutex_churn", mutex_churn},
    {"short_threads", short_threads},         {"trylock_backoff", trylock_backoff},
};

}  // namespace

int main(int argc, char **argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0) {
    std::fprintf(stderr, "usage: %s <workload>|--list [scale]\n", argv[0]);
    return 2;
  }
  if (std::strcmp(argv[1], "--list") == 0) {
    for (const auto &workload : kWorkloads) std::printf("%s\n", workload.name);
    return 0;
  }
  double scale = argc > 2 ? std::atof(argv[2]) : 1.0;
  if (!(scale > 0)) {
    std::fprintf(stderr, "scale must be a positive number, got %s\n", argv[2]);
    return 2;
  }
  for (const auto &workload : kWorkloads) {
    if (std::strcmp(argv[1], workload.name) != 0) continue;
    auto start = Clock::now();
    bool correct = workload.run(scale);
    double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::printf("%s %.6f s%s\n", workload.name, seconds, correct ? "" : " WRONG RESULT");
    return correct ? 0 : 1;
  }
  std::fprintf(stderr, "unknown workload '%s' (try --list)\n", argv[1]);
  return 2;
}
