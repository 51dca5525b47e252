// A spin lock for the runtime's own rare global sections (new edges, lock
// births, reports). Never calls into pthread, so it cannot recurse into the
// interceptors, and it is safe inside the runtime's own allocator.
#pragma once
#include <atomic>
#include <sched.h>

namespace interlock {

class SpinLock {
 public:
  void lock() {
    for (unsigned spins = 0; flag_.exchange(true, std::memory_order_acquire); ++spins) {
      while (flag_.load(std::memory_order_relaxed)) {
        if (++spins > 64) sched_yield();
      }
    }
  }
  bool try_lock() { return !flag_.exchange(true, std::memory_order_acquire); }
  void unlock() { flag_.store(false, std::memory_order_release); }
  bool is_locked() const { return flag_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> flag_{false};
};

class SpinGuard {
 public:
  explicit SpinGuard(SpinLock &lock) : lock_(lock) { lock_.lock(); }
  ~SpinGuard() { lock_.unlock(); }
  SpinGuard(const SpinGuard &) = delete;
  SpinGuard &operator=(const SpinGuard &) = delete;

 private:
  SpinLock &lock_;
};

}  // namespace interlock
