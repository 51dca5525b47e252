// issue #4: real functions of the liveness interceptors (semaphores,
// barriers, joins), resolved on first use with dlsym(RTLD_NEXT): the
// runtime core's RealFunctions table does not list them.
#pragma once
#include <atomic>
#include <dlfcn.h>

namespace interlock {

template <typename Fn>
Fn liveness_real(std::atomic<void *> &slot, const char *name) {
  void *fn = slot.load(std::memory_order_acquire);
  if (__builtin_expect(fn == nullptr, 0)) {
    fn = dlsym(RTLD_NEXT, name);
    slot.store(fn, std::memory_order_release);
  }
  return reinterpret_cast<Fn>(fn);
}

}  // namespace interlock
