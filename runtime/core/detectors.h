// Detectors fed by the events in events.cpp: the lock-order graph, the
// wait-for deadlock detector, and the misuse checks. Each builds a Finding
// (report/finding.h); the report layer does the rest.
#pragma once
#include "core/lock_graph.h"
#include "core/thread_state.h"

namespace interlock {

LockGraph &lock_graph();

// Lock-order graph.
void report_lock_order_cycle(const Cycle &cycle);

// Wait-for detector: `t` is about to block on `lock`. Follows owner ->
// waits-for links; a chain that comes back to `t` is an actual deadlock,
// reported at once (and with halt_on_error=1 the process ends there).
void check_wait_for_cycle(ThreadState *t, LockState *lock);

// Misuse.
void report_double_lock(ThreadState *t, LockState *lock, const char *what, const ShortStack &site);
void report_bad_unlock(ThreadState *t, LockState *lock, const ShortStack &site);
void report_invalid_use(ThreadState *t, LockState *lock, const char *operation, const ShortStack &site);
void report_destroy_locked(ThreadState *t, LockState *lock, const ShortStack &site);
void report_cond_wait_unheld(ThreadState *t, LockState *mutex, const ShortStack &site);
// Condition variable <-> mutex binding, Helgrind's rule: while a condition
// variable has waiters, every wait must use the same mutex.
void check_cond_binding(ThreadState *t, const void *cond, LockState *mutex, const ShortStack &site, bool begin);
void forget_cond(const void *cond);
// `t` ends (or the process ends) while holding locks.
void report_locks_held_at_exit(ThreadState *t, const char *when);
void report_held_at_process_exit();
// fork(): the detectors' spin locks (graph, condition variables).
void detectors_fork_lock();
void detectors_fork_unlock();

}  // namespace interlock
