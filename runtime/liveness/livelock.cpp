// Livelock: threads that keep trying without progress.
//
// Definition (docs/runtime.md, "Livelock"): a set of two or more threads
// T1..Tk such that each Ti is in a streak of failed attempts (try-locks that
// found the lock busy, timed locks that timed out) on one lock Li, the lock
// Li was held, at Ti's last failure that saw a holder, by T(i+1 mod k), and
// every streak
//   * has at least livelock_failures failed attempts, or at least
//     livelock_timeouts timed-out ones, and
//   * has lasted at least livelock_ms.
// A streak ends when its thread acquires Li (for a thread that calls
// interlock_progress(): only when it calls interlock_progress()), so "none
// of the threads acquired the lock it was failing on" holds by construction.
//
// Cost: only failed acquisitions do work here. A thread in a streak makes
// Li "watched" (LockState::liveness_watch) so that its own later success is
// seen; the watch ends with the streak.
#include <cerrno>

#include "common/code_layout.h"
#include "common/options.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"

namespace interlock {
namespace {

uint64_t failure_threshold() { return options().livelock_failures > 0 ? uint64_t(options().livelock_failures) : 1; }
uint64_t timeout_threshold() { return options().livelock_timeouts > 0 ? uint64_t(options().livelock_timeouts) : 1; }
uint64_t duration_threshold_ns() { return uint64_t(options().livelock_ms > 0 ? options().livelock_ms : 0) * 1000000ull; }

bool streak_qualifies(LiveThread *r, uint64_t now) {
  if (!r->streak_lock.load(std::memory_order_acquire)) return false;
  bool enough = r->streak_failures.load(std::memory_order_relaxed) >= failure_threshold() ||
                r->streak_timeouts.load(std::memory_order_relaxed) >= timeout_threshold();
  uint64_t since = r->streak_since_ns.load(std::memory_order_relaxed);
  return enough && now >= since && now - since >= duration_threshold_ns();
}

void start_streak(LiveThread *r, ThreadState *t, LockState *lock, uint64_t now) {
  lock->liveness_watch.fetch_add(1, std::memory_order_relaxed);
  r->streak_lock_id.store(lock->id, std::memory_order_relaxed);
  r->streak_failures.store(0, std::memory_order_relaxed);
  r->streak_timeouts.store(0, std::memory_order_relaxed);
  r->streak_since_ns.store(now, std::memory_order_relaxed);
  r->streak_holder.store(0, std::memory_order_relaxed);
  r->streak_reported.store(false, std::memory_order_relaxed);
  r->streak_next_check = failure_threshold() < timeout_threshold() ? failure_threshold() : timeout_threshold();
  capture_deep_stack(&r->streak_site, __builtin_frame_address(0), t->stack_lo, t->stack_hi);
  r->streak_lock.store(lock, std::memory_order_release);
}

// A thread that reports its own progress keeps one streak across locks:
// the watch moves to the lock it fails on now.
void move_streak(LiveThread *r, LockState *lock) {
  LockState *old = r->streak_lock.load(std::memory_order_relaxed);
  lock->liveness_watch.fetch_add(1, std::memory_order_relaxed);
  r->streak_lock_id.store(lock->id, std::memory_order_relaxed);
  r->streak_lock.store(lock, std::memory_order_release);
  old->liveness_watch.fetch_sub(1, std::memory_order_relaxed);
}

struct Member {
  LiveThread *record;
  ThreadState *state;
  uint32_t tid;
  LockState *lock;        // the lock it fails on
  uint64_t failures, timeouts, since_ns;
};

INTERLOCK_COLD void report_livelock(const Vec<Member> &members, uint64_t now) {
  report_lock();
  Finding *f = finding_new(Rule::kLivelock);
  size_t n = members.size();
  Vec<Str *> names;
  for (const Member &m : members) names.push_back(internal_new<Str>(liveness_lock_name(m.lock)));
  Str who;
  f->detail << "  Threads retry without progress, each failing on a lock the next one holds:\n";
  for (size_t i = 0; i < n; ++i) {
    const Member &m = members[i];
    const Member &holder = members[(i + 1) % n];
    if (i) who << (i + 1 == n ? " and " : ", ");
    who << thread_name(m.tid);
    f->detail << "    thread " << thread_name(m.tid) << ": ";
    f->detail.append_u64(m.failures) << " failed attempts (";
    f->detail.append_u64(m.timeouts) << " timed out) on " << *names[i] << " held by thread "
                                     << thread_name(holder.tid) << ", over " << liveness_duration(now - m.since_ns)
                                     << ", never acquiring it\n";
    LockName stable = describe_lock(m.lock->address, m.lock->kind, m.lock->id,
                                    lock_first_site(m.lock));
    f->fingerprint_basis << stable.stable_id << "\n";
  }
  f->message << "Livelock: threads " << who << " keep failing to acquire locks held by each other (";
  for (size_t i = 0; i < n; ++i) {
    if (i) f->message << "; ";
    f->message << thread_name(members[i].tid) << " failed " << Str().append_u64(members[i].failures) << " times on "
               << *names[i];
  }
  f->message << "), none acquiring the lock it retries";
  for (size_t i = 0; i < n; ++i) {
    const Member &m = members[i];
    const Member &waiter = members[(i + n - 1) % n];
    Str title, msg;
    title << "Thread " << thread_name(m.tid) << " retries " << *names[i] << " (";
    title.append_u64(m.failures) << " failed attempts in " << liveness_duration(now - m.since_ns)
                                 << "; held by thread " << thread_name(members[(i + 1) % n].tid) << "):";
    msg << "thread " << thread_name(m.tid) << " keeps failing to acquire " << *names[i] << " here";
    FindingSection *s = finding_add_section(f, title, msg, 2);
    s->pcs = deep_stack_pcs(m.record->streak_site);
    // What this member holds that the previous member keeps failing on.
    if (const HeldLock *hold = hold_of(m.state, waiter.lock)) {
      Str held_title, held_msg;
      held_title << "holding " << *names[(i + n - 1) % n] << " (wanted by thread " << thread_name(waiter.tid)
                 << "), acquired at:";
      held_msg << *names[(i + n - 1) % n] << " acquired here by thread " << thread_name(m.tid)
               << ", while thread " << thread_name(waiter.tid) << " retries it";
      FindingSection *h = finding_add_section(f, held_title, held_msg, 4);
      short_stack_to_vec(hold->site, &h->pcs);
    }
  }
  for (Str *name : names) internal_delete(name);
  report_unlock();
  report_finding(f);
}

// Follows "fails on a lock held by" from `start`; a chain of qualifying
// streaks that comes back to `start` is a livelock.
void check_livelock(LiveThread *start, uint64_t now) {
  Vec<Member> members;
  LiveThread *current = start;
  for (;;) {
    if (!streak_qualifies(current, now) || current->streak_reported.load(std::memory_order_relaxed)) return;
    Member m;
    m.record = current;
    m.state = current->state.load(std::memory_order_acquire);
    m.tid = current->tid.load(std::memory_order_relaxed);
    m.lock = current->streak_lock.load(std::memory_order_acquire);
    m.failures = current->streak_failures.load(std::memory_order_relaxed);
    m.timeouts = current->streak_timeouts.load(std::memory_order_relaxed);
    m.since_ns = current->streak_since_ns.load(std::memory_order_relaxed);
    if (!m.lock || !m.state) return;
    for (const Member &seen : members)
      if (seen.record == current) return;  // a cycle without `start`: its own members report it
    members.push_back(m);
    LiveThread *next = record_by_tid(current->streak_holder.load(std::memory_order_relaxed));
    if (!next) return;
    if (next == start) break;
    current = next;
  }
  if (members.size() < 2) return;
  for (const Member &m : members) m.record->streak_reported.store(true, std::memory_order_relaxed);
  report_livelock(members, now);
}

}  // namespace

void livelock_end_streak(LiveThread *r) {
  LockState *lock = r->streak_lock.exchange(nullptr, std::memory_order_acq_rel);
  if (lock) lock->liveness_watch.fetch_sub(1, std::memory_order_relaxed);
}

void livelock_on_failure(ThreadState *t, LockState *lock, unsigned flags, int error) {
  bool timed_out = (flags & kAcquireTimed) && error == ETIMEDOUT;
  bool busy = (flags & kAcquireTry) && error == EBUSY;
  if (!timed_out && !busy) return;
  LiveThread *r = record_of(t);
  uint64_t now = monotonic_ns();
  LockState *current = r->streak_lock.load(std::memory_order_relaxed);
  if (current != lock || r->streak_lock_id.load(std::memory_order_relaxed) != lock->id) {
    if (current && r->uses_progress) {
      move_streak(r, lock);
    } else {
      livelock_end_streak(r);  // failing on another lock: a new streak
      start_streak(r, t, lock, now);
    }
  }
  uint64_t failures = r->streak_failures.fetch_add(1, std::memory_order_relaxed) + 1;
  if (timed_out) r->streak_timeouts.fetch_add(1, std::memory_order_relaxed);
  uint32_t holder = lock->owner.load(std::memory_order_relaxed);
  if (holder && holder != t->tid) r->streak_holder.store(holder, std::memory_order_relaxed);
  // Check at the thresholds, then every time the count grew by a quarter of
  // the threshold more (so a slow streak is re-checked once it is old enough).
  uint64_t timeouts = r->streak_timeouts.load(std::memory_order_relaxed);
  bool due = failures >= r->streak_next_check || (timed_out && timeouts >= timeout_threshold());
  if (!due || r->streak_reported.load(std::memory_order_relaxed)) return;
  uint64_t step = failure_threshold() / 4 ? failure_threshold() / 4 : 1;
  r->streak_next_check = failures + (timed_out ? 1 : step);
  check_livelock(r, now);
}

void livelock_on_acquired(LiveThread *r, LockState *lock) {
  if (r->uses_progress) return;  // only interlock_progress() ends its streak
  if (r->streak_lock.load(std::memory_order_relaxed) == lock) livelock_end_streak(r);
}

void livelock_on_progress(ThreadState *t) {
  LiveThread *r = record_of(t);
  r->uses_progress = true;
  livelock_end_streak(r);
}

}  // namespace interlock
