/* The floor of any interposing lock runtime, for the benchmarks: a preload
 * library that intercepts the same pthread lock calls as libinterlock and
 * forwards each to glibc through a pointer resolved once, doing nothing else
 * (FLOOR_HELD_SET=0), or also keeping the least any lock-order detector must
 * keep: which locks the calling thread holds, pushed on a successful
 * acquisition and found by address on release (FLOOR_HELD_SET=1).
 *
 * run.py measures both beside libinterlock, so a ratio can be read against
 * what interposition itself costs on the same machine in the same run. Not a
 * detector, not installed, not used by anything but the benchmarks: the held
 * set is a fixed array (deeper nesting is simply not recorded).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#ifndef FLOOR_HELD_SET
#define FLOOR_HELD_SET 0
#endif

#define EXPORT __attribute__((visibility("default")))

#if FLOOR_HELD_SET
#define HELD_CAPACITY 64
static __thread const void *held[HELD_CAPACITY] __attribute__((tls_model("initial-exec")));
static __thread unsigned held_count __attribute__((tls_model("initial-exec")));

static void hold(const void *lock) {
  if (held_count < HELD_CAPACITY) held[held_count] = lock;
  held_count++;
}

static void release(const void *lock) {
  unsigned n = held_count < HELD_CAPACITY ? held_count : HELD_CAPACITY;
  for (unsigned i = n; i-- > 0;) {
    if (held[i] != lock) continue;
    for (unsigned j = i + 1; j < n; j++) held[j - 1] = held[j];  /* hand-over-hand: not always the newest */
    held_count--;
    return;
  }
}
#else
static void hold(const void *lock) { (void)lock; }
static void release(const void *lock) { (void)lock; }
#endif

/* Resolved on first use (the interposer may be called before constructors run). */
#define REAL(name, type)                                                            \
  static type real_##name(void) {                                                   \
    static type fn;                                                                 \
    type f = __atomic_load_n(&fn, __ATOMIC_RELAXED);                                \
    if (__builtin_expect(f == NULL, 0)) {                                           \
      f = (type)dlsym(RTLD_NEXT, #name);                                            \
      __atomic_store_n(&fn, f, __ATOMIC_RELAXED);                                   \
    }                                                                               \
    return f;                                                                       \
  }

typedef int (*mutex_fn)(pthread_mutex_t *);
typedef int (*mutex_time_fn)(pthread_mutex_t *, const struct timespec *);
typedef int (*mutex_clock_fn)(pthread_mutex_t *, clockid_t, const struct timespec *);
typedef int (*rwlock_fn)(pthread_rwlock_t *);
typedef int (*cond_wait_fn)(pthread_cond_t *, pthread_mutex_t *);
typedef int (*cond_time_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
typedef int (*cond_clock_fn)(pthread_cond_t *, pthread_mutex_t *, clockid_t, const struct timespec *);

REAL(pthread_mutex_lock, mutex_fn)
REAL(pthread_mutex_trylock, mutex_fn)
REAL(pthread_mutex_unlock, mutex_fn)
REAL(pthread_mutex_timedlock, mutex_time_fn)
REAL(pthread_mutex_clocklock, mutex_clock_fn)
REAL(pthread_rwlock_rdlock, rwlock_fn)
REAL(pthread_rwlock_wrlock, rwlock_fn)
REAL(pthread_rwlock_tryrdlock, rwlock_fn)
REAL(pthread_rwlock_trywrlock, rwlock_fn)
REAL(pthread_rwlock_unlock, rwlock_fn)
REAL(pthread_cond_wait, cond_wait_fn)
REAL(pthread_cond_timedwait, cond_time_fn)
REAL(pthread_cond_clockwait, cond_clock_fn)

static int held_if(int rc, const void *lock) {
  if (rc == 0) hold(lock);
  return rc;
}

EXPORT int pthread_mutex_lock(pthread_mutex_t *m) { return held_if(real_pthread_mutex_lock()(m), m); }
EXPORT int pthread_mutex_trylock(pthread_mutex_t *m) { return held_if(real_pthread_mutex_trylock()(m), m); }
EXPORT int pthread_mutex_timedlock(pthread_mutex_t *m, const struct timespec *t) {
  return held_if(real_pthread_mutex_timedlock()(m, t), m);
}
EXPORT int pthread_mutex_clocklock(pthread_mutex_t *m, clockid_t c, const struct timespec *t) {
  return held_if(real_pthread_mutex_clocklock()(m, c, t), m);
}
EXPORT int pthread_mutex_unlock(pthread_mutex_t *m) {
  release(m);
  return real_pthread_mutex_unlock()(m);
}

EXPORT int pthread_rwlock_rdlock(pthread_rwlock_t *l) { return held_if(real_pthread_rwlock_rdlock()(l), l); }
EXPORT int pthread_rwlock_wrlock(pthread_rwlock_t *l) { return held_if(real_pthread_rwlock_wrlock()(l), l); }
EXPORT int pthread_rwlock_tryrdlock(pthread_rwlock_t *l) { return held_if(real_pthread_rwlock_tryrdlock()(l), l); }
EXPORT int pthread_rwlock_trywrlock(pthread_rwlock_t *l) { return held_if(real_pthread_rwlock_trywrlock()(l), l); }
EXPORT int pthread_rwlock_unlock(pthread_rwlock_t *l) {
  release(l);
  return real_pthread_rwlock_unlock()(l);
}

/* A condition-variable wait gives the mutex back and takes it again: the
 * held set is the same before and after. */
EXPORT int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) { return real_pthread_cond_wait()(c, m); }
EXPORT int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t) {
  return real_pthread_cond_timedwait()(c, m, t);
}
EXPORT int pthread_cond_clockwait(pthread_cond_t *c, pthread_mutex_t *m, clockid_t k, const struct timespec *t) {
  return real_pthread_cond_clockwait()(c, m, k, t);
}
