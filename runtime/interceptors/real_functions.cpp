#include "interceptors/real_functions.h"

#include <atomic>
#include <dlfcn.h>
#include <sched.h>
#include <unistd.h>

#include "common/raw_output.h"

namespace interlock {

RealFunctions real;

namespace {

std::atomic<int> g_state{0};  // 0 unresolved, 1 resolving, 2 ready

template <typename Fn>
void resolve(Fn *slot, const char *name, const char *version = nullptr) {
  void *symbol = nullptr;
  if (version) symbol = dlvsym(RTLD_NEXT, name, version);
  if (!symbol) symbol = dlsym(RTLD_NEXT, name);
  *slot = reinterpret_cast<Fn>(symbol);
}

void resolve_all() {
  resolve(&real.mutex_init, "pthread_mutex_init");
  resolve(&real.mutex_destroy, "pthread_mutex_destroy");
  resolve(&real.mutex_lock, "pthread_mutex_lock");
  resolve(&real.mutex_trylock, "pthread_mutex_trylock");
  resolve(&real.mutex_timedlock, "pthread_mutex_timedlock");
  resolve(&real.mutex_clocklock, "pthread_mutex_clocklock");
  resolve(&real.mutex_unlock, "pthread_mutex_unlock");
  resolve(&real.rwlock_init, "pthread_rwlock_init");
  resolve(&real.rwlock_destroy, "pthread_rwlock_destroy");
  resolve(&real.rwlock_rdlock, "pthread_rwlock_rdlock");
  resolve(&real.rwlock_tryrdlock, "pthread_rwlock_tryrdlock");
  resolve(&real.rwlock_timedrdlock, "pthread_rwlock_timedrdlock");
  resolve(&real.rwlock_clockrdlock, "pthread_rwlock_clockrdlock");
  resolve(&real.rwlock_wrlock, "pthread_rwlock_wrlock");
  resolve(&real.rwlock_trywrlock, "pthread_rwlock_trywrlock");
  resolve(&real.rwlock_timedwrlock, "pthread_rwlock_timedwrlock");
  resolve(&real.rwlock_clockwrlock, "pthread_rwlock_clockwrlock");
  resolve(&real.rwlock_unlock, "pthread_rwlock_unlock");
  resolve(&real.spin_init, "pthread_spin_init");
  resolve(&real.spin_destroy, "pthread_spin_destroy");
  resolve(&real.spin_lock, "pthread_spin_lock");
  resolve(&real.spin_trylock, "pthread_spin_trylock");
  resolve(&real.spin_unlock, "pthread_spin_unlock");
  resolve(&real.cond_init, "pthread_cond_init", "GLIBC_2.3.2");
  resolve(&real.cond_destroy, "pthread_cond_destroy", "GLIBC_2.3.2");
  resolve(&real.cond_wait, "pthread_cond_wait", "GLIBC_2.3.2");
  resolve(&real.cond_timedwait, "pthread_cond_timedwait", "GLIBC_2.3.2");
  resolve(&real.cond_clockwait, "pthread_cond_clockwait");
  resolve(&real.create, "pthread_create");
}

}  // namespace

__thread bool t_resolving __attribute__((tls_model("initial-exec")));

bool ensure_real_functions() {
  int state = g_state.load(std::memory_order_acquire);
  if (__builtin_expect(state == 2, 1)) return true;
  if (t_resolving) return false;  // called from inside dlsym
  int expected = 0;
  if (g_state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
    t_resolving = true;
    resolve_all();
    t_resolving = false;
    if (!real.mutex_lock || !real.mutex_unlock || !real.mutex_trylock) {
      raw_write_str("==interlock== FATAL: cannot find the real pthread_mutex_* functions (dlsym RTLD_NEXT)\n");
      _exit(70);
    }
    g_state.store(2, std::memory_order_release);
    return true;
  }
  // Another thread resolves: wait for it; this thread resolving: give up.
  while (g_state.load(std::memory_order_acquire) == 1) sched_yield();
  return g_state.load(std::memory_order_acquire) == 2;
}

}  // namespace interlock
