// Real functions the runtime core's RealFunctions table does not list (the
// liveness interceptors' semaphores, barriers, joins; the signal
// interceptors), resolved on first use with dlsym(RTLD_NEXT) and cached in
// the caller's slot.
#pragma once
#include <atomic>
#include <dlfcn.h>

namespace interlock {

template <typename Fn>
Fn next_symbol(std::atomic<void *> &slot, const char *name) {
  void *fn = slot.load(std::memory_order_acquire);
  if (__builtin_expect(fn == nullptr, 0)) {
    fn = dlsym(RTLD_NEXT, name);
    slot.store(fn, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(fn);
}

}  // namespace interlock
