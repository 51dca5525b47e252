// Starvation: a thread waits for a lock longer than starvation_ms while
// other threads take that same lock again and again.
//
// The monitor thread looks at every lock wait. Once a wait is older than a
// quarter of starvation_ms the lock becomes "watched": from then on every
// acquisition of it is counted per acquiring thread (with the site of its
// first one). When the wait reaches starvation_ms and others took the lock
// at least starvation_acquisitions times while it was watched, it is
// starvation; fewer means the holder simply holds it long (contention, see
// profile=1), and nothing is reported. Rwlock writers kept out by readers are
// reported as writer starvation.
//
// Cost: nothing until a wait is old; then only acquisitions of that lock.
#include "common/code_layout.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"

namespace interlock {

std::atomic<int> g_starvation_watch_count{0};

namespace {

struct Taker {
  uint32_t tid;
  uint64_t count;
  uint64_t reads;
  ShortStack first_site;
};

struct Watch {
  LiveThread *waiter;
  uint32_t waiter_tid;
  uint32_t wait_seq;
  LockState *lock;
  uint64_t watch_start_ns;
  bool reported;
  Vec<Taker> takers;
};

SpinLock g_watch_lock;
Global<Vec<Watch *>> g_watches_storage;
#define g_watches (*g_watches_storage)

uint64_t threshold_ns() { return uint64_t(options().starvation_ms > 0 ? options().starvation_ms : 0) * 1000000ull; }

bool is_lock_wait(WaitKind kind) {
  return kind == WaitKind::kMutex || kind == WaitKind::kRwRead || kind == WaitKind::kRwWrite;
}

Watch *find_watch(LiveThread *r, uint32_t seq) {
  for (Watch *w : g_watches)
    if (w->waiter == r && w->wait_seq == seq) return w;
  return nullptr;
}

void stop_watch(size_t index) {
  Watch *w = g_watches[index];
  w->lock->liveness_watch.fetch_sub(1, std::memory_order_relaxed);
  g_watches.erase_at(index);
  g_starvation_watch_count.fetch_sub(1, std::memory_order_release);
  internal_delete(w);
}

INTERLOCK_COLD void report_starvation(const Watch &w, const WaitSnapshot &wait, uint64_t now, uint64_t total, uint64_t reads) {
  report_lock();
  Finding *f = finding_new(Rule::kStarvation);
  Str lock = liveness_lock_name(w.lock);
  LockName stable = describe_lock(w.lock->address, w.lock->kind, w.lock->id,
                                  lock_first_site(w.lock));
  f->fingerprint_basis << stable.stable_id << "\n";
  bool writer_starved = wait.kind == WaitKind::kRwWrite && reads * 2 > total;
  Str waited = liveness_duration(now - wait.since_ns);
  Str counted_from = liveness_duration(w.watch_start_ns - wait.since_ns);
  f->message << (writer_starved ? "Writer starvation: thread " : "Starvation: thread ") << thread_name(w.waiter_tid)
             << " has waited " << waited << " " << wait_kind_name(wait.kind) << " " << lock << " while ";
  Str takers;
  for (size_t i = 0; i < w.takers.size(); ++i) {
    const Taker &k = w.takers[i];
    if (i) takers << ", ";
    takers << thread_name(k.tid) << " (";
    takers.append_u64(k.count) << (k.reads == k.count ? (k.count == 1 ? " read)" : " reads)") : (k.count == 1 ? " time)" : " times)"));
  }
  f->message << "other threads acquired it ";
  f->message.append_u64(total) << " times (" << takers << ")";
  if (writer_starved) f->message << ": readers keep entering while the writer waits";
  f->detail << "  " << f->message << "\n";
  f->detail << "  Acquisitions counted from " << counted_from << " into the wait. A waiter that others overtake "
            << "this often is starved, not merely slowed by a long hold.\n";
  Str title, msg;
  title << "Thread " << thread_name(w.waiter_tid) << " waits " << waited << " " << wait_kind_name(wait.kind) << " "
        << lock << ":";
  msg << "thread " << thread_name(w.waiter_tid) << " starves here " << wait_kind_name(wait.kind) << " " << lock;
  FindingSection *s = finding_add_section(f, title, msg, 2);
  s->pcs = deep_stack_pcs(wait.stack);
  for (const Taker &k : w.takers) {
    Str t_title, t_msg;
    t_title << "thread " << thread_name(k.tid) << " took " << lock << " ";
    t_title.append_u64(k.count) << (k.reads == k.count ? " times for reading" : " times") << " meanwhile, first at:";
    t_msg << "thread " << thread_name(k.tid) << " acquires " << lock << " here while thread "
          << thread_name(w.waiter_tid) << " waits";
    FindingSection *ks = finding_add_section(f, t_title, t_msg, 4);
    short_stack_to_vec(k.first_site, &ks->pcs);
  }
  report_unlock();
  report_finding(f);
}

}  // namespace

void starvation_on_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) {
  SpinGuard guard(g_watch_lock);
  for (Watch *w : g_watches) {
    if (w->lock != lock || w->waiter_tid == t->tid) continue;
    Taker *taker = nullptr;
    for (Taker &k : w->takers)
      if (k.tid == t->tid) taker = &k;
    if (!taker) {
      Taker fresh{};
      fresh.tid = t->tid;
      capture_short_stack(&fresh.first_site, site.frame, site.return_pc, t->stack_lo, t->stack_hi);
      w->takers.push_back(fresh);
      taker = &w->takers.back();
    }
    ++taker->count;
    if (flags & kAcquireRead) ++taker->reads;
  }
}

void starvation_tick(uint64_t now) {
  uint64_t threshold = threshold_ns();
  // 1. Drop watches whose wait ended; 2. start watches on old waits;
  // 3. report the ones that reached the threshold with enough takers.
  struct Due {
    Watch *watch;
    WaitSnapshot wait;
    uint64_t total, reads;
  };
  Vec<Due> due;
  {
    SpinGuard guard(g_watch_lock);
    for (size_t i = g_watches.size(); i-- > 0;) {
      Watch *w = g_watches[i];
      WaitSnapshot wait;
      uint32_t seq;
      if (!record_alive(w->waiter) || !read_wait(w->waiter, &wait, &seq) || seq != w->wait_seq) stop_watch(i);
    }
  }
  for (LiveThread *r = first_record(); r; r = r->next.load(std::memory_order_acquire)) {
    WaitSnapshot wait;
    uint32_t seq;
    if (!record_alive(r) || !read_wait(r, &wait, &seq) || !is_lock_wait(wait.kind)) continue;
    uint64_t age = now > wait.since_ns ? now - wait.since_ns : 0;
    if (age < threshold / 4) continue;
    SpinGuard guard(g_watch_lock);
    Watch *w = find_watch(r, seq);
    if (!w) {
      w = internal_new<Watch>();
      w->waiter = r;
      w->waiter_tid = r->tid.load(std::memory_order_relaxed);
      w->wait_seq = seq;
      w->lock = wait.lock;
      w->watch_start_ns = now;
      wait.lock->liveness_watch.fetch_add(1, std::memory_order_relaxed);
      g_watches.push_back(w);
      g_starvation_watch_count.fetch_add(1, std::memory_order_release);
      continue;
    }
    if (w->reported || age < threshold) continue;
    uint64_t total = 0, reads = 0;
    for (const Taker &k : w->takers) {
      total += k.count;
      reads += k.reads;
    }
    if (total < uint64_t(options().starvation_acquisitions > 0 ? options().starvation_acquisitions : 1)) continue;
    w->reported = true;  // once per wait
    due.push_back(Due{w, wait, total, reads});
  }
  // Report outside the watch lock (acquirers take it); a Watch is only
  // freed by this thread, so the pointers stay valid. Copy the takers first.
  for (Due &d : due) {
    Watch copy{};
    {
      SpinGuard guard(g_watch_lock);
      copy.waiter = d.watch->waiter;
      copy.waiter_tid = d.watch->waiter_tid;
      copy.lock = d.watch->lock;
      copy.watch_start_ns = d.watch->watch_start_ns;
      copy.takers = d.watch->takers;
    }
    report_starvation(copy, d.wait, now, d.total, d.reads);
  }
}

void starvation_release_locks_in_child() { g_watch_lock.unlock(); }

}  // namespace interlock
