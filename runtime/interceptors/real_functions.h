// The real pthread functions, found with dlsym(RTLD_NEXT) (dlvsym for the
// versioned condition-variable symbols, GLIBC_2.3.2, which are what programs
// built on glibc >= 2.3.2 link against).
#pragma once
#include <pthread.h>
#include <ctime>

namespace interlock {

struct RealFunctions {
  int (*mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
  int (*mutex_destroy)(pthread_mutex_t *);
  int (*mutex_lock)(pthread_mutex_t *);
  int (*mutex_trylock)(pthread_mutex_t *);
  int (*mutex_timedlock)(pthread_mutex_t *, const struct timespec *);
  int (*mutex_clocklock)(pthread_mutex_t *, clockid_t, const struct timespec *);
  int (*mutex_unlock)(pthread_mutex_t *);

  int (*rwlock_init)(pthread_rwlock_t *, const pthread_rwlockattr_t *);
  int (*rwlock_destroy)(pthread_rwlock_t *);
  int (*rwlock_rdlock)(pthread_rwlock_t *);
  int (*rwlock_tryrdlock)(pthread_rwlock_t *);
  int (*rwlock_timedrdlock)(pthread_rwlock_t *, const struct timespec *);
  int (*rwlock_clockrdlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
  int (*rwlock_wrlock)(pthread_rwlock_t *);
  int (*rwlock_trywrlock)(pthread_rwlock_t *);
  int (*rwlock_timedwrlock)(pthread_rwlock_t *, const struct timespec *);
  int (*rwlock_clockwrlock)(pthread_rwlock_t *, clockid_t, const struct timespec *);
  int (*rwlock_unlock)(pthread_rwlock_t *);

  int (*spin_init)(pthread_spinlock_t *, int);
  int (*spin_destroy)(pthread_spinlock_t *);
  int (*spin_lock)(pthread_spinlock_t *);
  int (*spin_trylock)(pthread_spinlock_t *);
  int (*spin_unlock)(pthread_spinlock_t *);

  int (*cond_init)(pthread_cond_t *, const pthread_condattr_t *);
  int (*cond_destroy)(pthread_cond_t *);
  int (*cond_wait)(pthread_cond_t *, pthread_mutex_t *);
  int (*cond_timedwait)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
  int (*cond_clockwait)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);

  int (*create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
};

extern RealFunctions real;

// True once every pointer is resolved. The first call resolves them; a call
// that arrives while resolving (from inside dlsym) sees false.
bool ensure_real_functions();

}  // namespace interlock
