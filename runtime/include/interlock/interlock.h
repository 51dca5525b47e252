/* Interlock runtime: public C API.
 *
 * Nothing here is needed to use the runtime: preloading or linking
 * libinterlock.so is enough for pthread / std:: locks. This header is for
 * programs that want to tell the runtime about their own synchronisation
 * (custom locks, semaphores, barriers) or about progress.
 *
 * Every function is declared weak: a program built with this header runs
 * unchanged without the runtime; test `if (interlock_progress)` first, or
 * use the INTERLOCK_* macros, which do.
 */
#ifndef INTERLOCK_INTERLOCK_H
#define INTERLOCK_INTERLOCK_H

#ifdef __cplusplus
extern "C" {
#endif

/* Flags for the acquisition annotations. */
#define INTERLOCK_ACQUIRE_TRY 1u   /* never blocks (try-lock) */
#define INTERLOCK_ACQUIRE_TIMED 2u /* blocks at most until a deadline */
#define INTERLOCK_ACQUIRE_READ 4u  /* shared acquisition */

/* A thread made progress (issue #4 livelock detector). A thread that calls
 * this at least once has its run of failed try-locks / timed locks ended
 * only by its next call (not by acquiring the lock it retried): call it
 * where your retry loop really got its work done. */
void interlock_progress(void) __attribute__((weak));

/* Custom lock annotations, in this order for one acquisition:
 *   interlock_before_acquire(lock, flags)  before trying
 *   interlock_contended(lock, flags)       when about to block
 *   interlock_acquired(lock, flags)        or interlock_acquire_failed(lock, flags)
 *   interlock_released(lock)               before releasing
 * interlock_before_acquire returns 0, or an errno value (EDEADLK) when the
 * acquisition would deadlock the thread on itself. */
int interlock_before_acquire(const void *lock, unsigned flags) __attribute__((weak));
void interlock_contended(const void *lock, unsigned flags) __attribute__((weak));
void interlock_acquired(const void *lock, unsigned flags) __attribute__((weak));
void interlock_acquire_failed(const void *lock, unsigned flags) __attribute__((weak));
void interlock_released(const void *lock) __attribute__((weak));
/* The memory at `lock` holds a new lock (init) / no lock any more (destroy). */
void interlock_lock_created(const void *lock) __attribute__((weak));
void interlock_lock_destroyed(const void *lock) __attribute__((weak));

/* Number of findings reported so far in this process (suppressed and
 * duplicate ones excluded). */
int interlock_finding_count(void) __attribute__((weak));

#define INTERLOCK_PROGRESS() \
  do {                       \
    if (interlock_progress) interlock_progress(); \
  } while (0)

#ifdef __cplusplus
}
#endif

#endif /* INTERLOCK_INTERLOCK_H */
