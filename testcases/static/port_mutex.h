// A leveldb-style lock layer (port/port_stdcxx.h, util/mutexlock.h): a
// LOCKABLE wrapper around std::mutex, a SCOPED_LOCKABLE guard, and a
// condition variable whose Wait adopts the wrapper's std::mutex. The
// analysis must see the wrapper through its attributes and through its body
// as ONE lock, and the adopting Wait as no acquisition.
#pragma once

#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define PORT_LOCKABLE __attribute__((lockable))
#define PORT_SCOPED_LOCKABLE __attribute__((scoped_lockable))
#define PORT_LOCK_FUNCTION(...) __attribute__((exclusive_lock_function(__VA_ARGS__)))
#define PORT_UNLOCK_FUNCTION(...) __attribute__((unlock_function(__VA_ARGS__)))
#define PORT_REQUIRES(...) __attribute__((exclusive_locks_required(__VA_ARGS__)))
#define PORT_GUARDED_BY(x) __attribute__((guarded_by(x)))
#else
#define PORT_LOCKABLE
#define PORT_SCOPED_LOCKABLE
#define PORT_LOCK_FUNCTION(...)
#define PORT_UNLOCK_FUNCTION(...)
#define PORT_REQUIRES(...)
#define PORT_GUARDED_BY(x)
#endif

namespace port {

class PORT_LOCKABLE Mutex {
public:
  void Lock() PORT_LOCK_FUNCTION() { mu_.lock(); }
  void Unlock() PORT_UNLOCK_FUNCTION() { mu_.unlock(); }

private:
  friend class CondVar;
  std::mutex mu_;
};

class CondVar {
public:
  explicit CondVar(Mutex *mu) : mu_(mu) {}
  void Wait() {
    std::unique_lock<std::mutex> lock(mu_->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();
  }
  void SignalAll() { cv_.notify_all(); }

private:
  std::condition_variable cv_;
  Mutex *const mu_;
};

class PORT_SCOPED_LOCKABLE MutexLock {
public:
  explicit MutexLock(Mutex *mu) PORT_LOCK_FUNCTION(mu) : mu_(mu) { this->mu_->Lock(); }
  ~MutexLock() PORT_UNLOCK_FUNCTION() { this->mu_->Unlock(); }

private:
  Mutex *const mu_;
};

} // namespace port
