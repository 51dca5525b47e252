// Hang watchdog (hang_timeout_ms > 0): run by the monitor thread.
//
// A hang is either
//   * every live thread of the process blocked in a wait the runtime sees
//     (mutex, rwlock, condition variable, semaphore, barrier, join), each
//     wait already hang_timeout_ms old; or
//   * a set of threads waiting on each other through joins and locks (a
//     join on a thread that waits for a lock its joiner holds, ...), each
//     wait hang_timeout_ms old, while other threads still run. A cycle made
//     of lock waits only is a `deadlock`, reported by the core when it
//     forms; it is not reported again here unless every thread is blocked.
// Threads blocked in calls the runtime does not intercept (read, poll,
// sleep) count as running: a server waiting for input is not hung.
// On a hang: report every thread's wait (what, how long, who holds it, its
// stack), write the reports, and exit with `exitcode`.
#include "common/code_layout.h"
#include "common/options.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"

namespace interlock {
namespace {

struct Blocked {
  LiveThread *record;
  ThreadState *state;
  uint32_t tid;
  uint32_t seq;
  WaitSnapshot wait;
};

// What a blocked thread waits for, as a thread: a lock's holder or the
// joined thread; 0 when any thread could end the wait (cond, sem, barrier).
uint32_t waits_for_thread(const Blocked &b) {
  if (b.wait.kind == WaitKind::kJoin) return b.wait.target_tid;
  if ((b.wait.kind == WaitKind::kMutex || b.wait.kind == WaitKind::kRwWrite || b.wait.kind == WaitKind::kRwRead) &&
      b.wait.lock && b.wait.lock->id == b.wait.lock_id)
    return b.wait.lock->owner.load(std::memory_order_acquire);
  return 0;
}

const Blocked *find_blocked(const Vec<Blocked> &all, uint32_t tid) {
  for (const Blocked &b : all)
    if (b.tid == tid) return &b;
  return nullptr;
}

Str object_name(const WaitSnapshot &w) {
  if (w.lock) return liveness_lock_name(w.lock);
  Str s;
  Str variable = symbolize_data(reinterpret_cast<uintptr_t>(w.object));
  if (!variable.empty()) s << "`" << variable << "`";
  else {
    s << "at 0x";
    s.append_hex(reinterpret_cast<uintptr_t>(w.object));
  }
  return s;
}

Str join_target(const Blocked &b) {
  Str s;
  if (b.wait.target_tid) s << "thread " << thread_name(b.wait.target_tid);
  else s << "a thread that never waited (running, or blocked outside the runtime's view)";
  return s;
}

void describe_wait(Str *out, const Blocked &b, uint64_t now) {
  *out << "thread " << thread_name(b.tid) << " " << wait_kind_name(b.wait.kind) << " ";
  if (b.wait.kind == WaitKind::kJoin) *out << join_target(b);
  else *out << object_name(b.wait);
  uint32_t holder = b.wait.kind == WaitKind::kJoin ? 0 : waits_for_thread(b);
  if (holder) *out << " (held by thread " << thread_name(holder) << ")";
  else if (b.wait.kind == WaitKind::kRwWrite) *out << " (held by readers)";
  *out << " for " << liveness_duration(now - b.wait.since_ns);
}

INTERLOCK_COLD [[noreturn]] void report_hang(const Vec<Blocked> &members, bool whole_process, size_t live_threads, uint64_t now) {
  report_lock();
  Finding *f = finding_new(Rule::kHang);
  f->level = "error";
  Str timeout = liveness_duration(uint64_t(options().hang_timeout_ms) * 1000000ull);
  if (whole_process) {
    f->message << "Hang: all " << Str().append_u64(live_threads) << " threads have been blocked for at least "
               << timeout << ": ";
  } else {
    f->message << "Hang: threads wait on each other (joins and locks) for at least " << timeout << ": ";
  }
  for (size_t i = 0; i < members.size(); ++i) {
    if (i) f->message << "; ";
    describe_wait(&f->message, members[i], now);
    f->fingerprint_basis << wait_kind_name(members[i].wait.kind) << "\n";
  }
  f->detail << "  " << f->message << "\n  The watchdog (hang_timeout_ms) ends the process.\n";
  for (const Blocked &b : members) {
    Str title, msg;
    title << "Thread " << thread_name(b.tid) << " is blocked " << wait_kind_name(b.wait.kind) << " ";
    if (b.wait.kind == WaitKind::kJoin) title << join_target(b);
    else title << object_name(b.wait);
    title << " for " << liveness_duration(now - b.wait.since_ns) << ":";
    msg << "thread " << thread_name(b.tid) << " blocks here " << wait_kind_name(b.wait.kind);
    FindingSection *s = finding_add_section(f, title, msg, 2);
    s->pcs = deep_stack_pcs(b.wait.stack);
    uint32_t holder_tid = b.wait.kind == WaitKind::kJoin ? 0 : waits_for_thread(b);
    const Blocked *holder = holder_tid ? find_blocked(members, holder_tid) : nullptr;
    ThreadState *holder_state = holder ? holder->state : thread_by_tid(holder_tid);
    if (const HeldLock *hold = hold_of(holder_state, b.wait.lock)) {
      Str h_title, h_msg;
      h_title << "held by thread " << thread_name(holder_tid) << ", acquired at:";
      h_msg << object_name(b.wait) << " acquired here by thread " << thread_name(holder_tid);
      FindingSection *h = finding_add_section(f, h_title, h_msg, 4);
      short_stack_to_vec(hold->site, &h->pcs);
    }
  }
  report_unlock();
  report_finding(f);
  halt_process();
}

// Still the same waits? (Each thread's sequence number unchanged.)
bool unchanged(const Vec<Blocked> &members) {
  for (const Blocked &b : members) {
    WaitSnapshot again;
    uint32_t seq;
    if (!read_wait(b.record, &again, &seq) || seq != b.seq) return false;
  }
  return true;
}

// A cycle through joins / lock holders that contains at least one join.
bool find_join_cycle(const Vec<Blocked> &blocked, Vec<Blocked> *cycle) {
  for (const Blocked &start : blocked) {
    if (start.wait.kind != WaitKind::kJoin) continue;
    Vec<const Blocked *> path;
    const Blocked *current = &start;
    while (current) {
      for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] != current) continue;
        bool has_join = false;
        for (size_t j = i; j < path.size(); ++j) has_join = has_join || path[j]->wait.kind == WaitKind::kJoin;
        if (!has_join) break;
        for (size_t j = i; j < path.size(); ++j) cycle->push_back(*path[j]);
        return true;
      }
      if (path.contains(current)) break;
      path.push_back(current);
      uint32_t next = waits_for_thread(*current);
      current = next ? find_blocked(blocked, next) : nullptr;
    }
  }
  return false;
}

}  // namespace

void hang_tick(uint64_t now) {
  uint64_t timeout = uint64_t(options().hang_timeout_ms) * 1000000ull;
  Vec<Blocked> blocked;
  for (LiveThread *r = first_record(); r; r = r->next.load(std::memory_order_acquire)) {
    Blocked b;
    if (!record_alive(r) || !read_wait(r, &b.wait, &b.seq) || b.wait.kind == WaitKind::kNone) continue;
    if (now < b.wait.since_ns || now - b.wait.since_ns < timeout) continue;
    b.record = r;
    b.state = r->state.load(std::memory_order_acquire);
    b.tid = r->tid.load(std::memory_order_relaxed);
    if (b.wait.kind == WaitKind::kJoin && !b.wait.target_tid)  // joined before the target first waited
      b.wait.target_tid = liveness_tid_of_pthread(reinterpret_cast<unsigned long>(b.wait.object));
    blocked.push_back(b);
  }
  if (blocked.empty()) return;
  size_t live = 0;
  uint32_t limit = thread_tid_limit();
  for (uint32_t tid = 1; tid < limit; ++tid)
    if (thread_by_tid(tid)) ++live;
  if (blocked.size() >= live) {
    if (unchanged(blocked)) report_hang(blocked, true, live, now);
    return;
  }
  Vec<Blocked> cycle;
  if (find_join_cycle(blocked, &cycle) && unchanged(cycle)) report_hang(cycle, false, live, now);
}

}  // namespace interlock
