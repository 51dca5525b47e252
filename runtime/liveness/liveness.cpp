// The liveness detectors' common part: per-thread records, the observers
// registered with the core, wait tracking, and the monitor thread.
#include "common/code_layout.h"
#include "liveness/liveness.h"

#include <cerrno>
#include <cstdlib>
#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include "common/address_map.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"

namespace interlock {
namespace {

// The calling thread's stack for a report: a full unwind, or the short
// stack from the interceptor's frame if the unwinder found nothing.
void stack_of_caller(ThreadState *t, const CallSite &site, Vec<uintptr_t> *pcs) {
  capture_full_stack(pcs, int(options().stack_depth));
  if (!pcs->empty()) return;
  ShortStack here;
  capture_short_stack(&here, site.frame, site.return_pc, t->stack_lo, t->stack_hi);
  short_stack_to_vec(here, pcs);
}


SpinLock g_records_lock;
std::atomic<LiveThread *> g_records{nullptr};
__thread LiveThread *t_record __attribute__((tls_model("initial-exec")));
__thread char t_owner_key __attribute__((tls_model("initial-exec")));

void reset_record(LiveThread *r, ThreadState *t) {
  livelock_end_streak(r);
  uint32_t seq = r->wait_seq.load(std::memory_order_relaxed) | 1;  // odd: being written
  r->wait_seq.store(seq, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  r->wait.kind = WaitKind::kNone;
  r->wait_seq.store(seq + 1, std::memory_order_release);  // even, new: "no wait"
  r->uses_progress = false;
  r->contended_since_ns = 0;
  r->holds.clear();
  r->owner_key = &t_owner_key;
  r->pthread_id = static_cast<unsigned long>(pthread_self());
  r->tid.store(t->tid, std::memory_order_relaxed);
  r->state.store(t, std::memory_order_release);
}

LiveThread *claim_record(ThreadState *t) {
  SpinGuard guard(g_records_lock);
  for (LiveThread *r = g_records.load(std::memory_order_acquire); r; r = r->next.load(std::memory_order_acquire)) {
    if (record_alive(r)) continue;
    reset_record(r, t);
    return r;
  }
  auto *r = internal_new<LiveThread>();
  reset_record(r, t);
  r->next.store(g_records.load(std::memory_order_relaxed), std::memory_order_relaxed);
  g_records.store(r, std::memory_order_release);
  return r;
}

// ---- the monitor thread ----
std::atomic<int> g_monitor_state{0};  // 0 not started, 1 running
using CreateFn = int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

void *monitor_main(void *) {
  // Never calls an intercepted function: it must not become a user thread
  // (no ThreadState, no tid) nor take a lock a blocked user thread holds.
  long period = options().monitor_interval_ms > 0 ? options().monitor_interval_ms : 50;
  timespec pause{period / 1000, (period % 1000) * 1000000};
  for (;;) {
    nanosleep(&pause, nullptr);
    uint64_t now = monotonic_ns();
    if (options().detect_starvation) starvation_tick(now);
    if (options().hang_timeout_ms > 0) hang_tick(now);
  }
  return nullptr;
}

void release_dead_thread_lock_in_child();

void forget_monitor_in_child() {
  g_monitor_state.store(0, std::memory_order_relaxed);
  g_records_lock.unlock();
  release_dead_thread_lock_in_child();
  profile_release_locks_in_child();
  starvation_release_locks_in_child();
}

// ---- observers ----
WaitKind lock_wait_kind(const LockState *lock, unsigned flags) {
  if (lock->kind != LockKind::kRwLock) return WaitKind::kMutex;
  return (flags & kAcquireRead) ? WaitKind::kRwRead : WaitKind::kRwWrite;
}

void write_wait(LiveThread *r, const WaitSnapshot &w) {
  uint32_t seq = r->wait_seq.load(std::memory_order_relaxed);
  r->wait_seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  r->wait = w;
  r->wait_seq.store(seq + 2, std::memory_order_release);
}

void begin_wait(ThreadState *t, WaitKind kind, const void *object, LockState *lock, uint32_t target, void *frame) {
  LiveThread *r = record_of(t);
  WaitSnapshot w;
  w.kind = kind;
  w.object = object;
  w.lock = lock;
  w.lock_id = lock ? lock->id : 0;
  w.target_tid = target;
  w.since_ns = monotonic_ns();
  capture_deep_stack(&w.stack, frame, t->stack_lo, t->stack_hi);
  write_wait(r, w);
  if (options().detect_starvation || options().hang_timeout_ms > 0) ensure_monitor_started();
}

void end_wait(ThreadState *t) {
  LiveThread *r = t_record;
  if (!r || r->state.load(std::memory_order_relaxed) != t || r->wait.kind == WaitKind::kNone) return;
  uint32_t seq = r->wait_seq.load(std::memory_order_relaxed);
  r->wait_seq.store(seq + 1, std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_release);
  r->wait.kind = WaitKind::kNone;
  r->wait_seq.store(seq + 2, std::memory_order_release);
}

void on_contended_observed(ThreadState *t, LockState *lock, unsigned flags) {
  begin_wait(t, lock_wait_kind(lock, flags), lock, lock, 0, __builtin_frame_address(0));
  if (options().profile) record_of(t)->contended_since_ns = monotonic_ns();
}

void on_acquired_after_contention_observed(ThreadState *t, LockState *lock, unsigned) {
  end_wait(t);
  if (options().profile) {
    LiveThread *r = record_of(t);
    if (r->contended_since_ns) profile_on_contended_acquired(lock, monotonic_ns() - r->contended_since_ns);
    r->contended_since_ns = 0;
  }
}

void on_acquire_failed_observed(ThreadState *t, LockState *lock, unsigned flags, int error) {
  end_wait(t);
  if (options().detect_livelock) livelock_on_failure(t, lock, flags, error);
}

void on_cond_wait_begin_observed(ThreadState *t, const void *cond) {
  begin_wait(t, WaitKind::kCond, cond, nullptr, 0, __builtin_frame_address(0));
}

void on_cond_wait_end_observed(ThreadState *t, const void *) { end_wait(t); }

void on_progress_observed(ThreadState *t) { livelock_on_progress(t); }

void on_watched_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site) {
  LiveThread *r = t_record;
  if (r && r->state.load(std::memory_order_relaxed) == t && r->streak_lock.load(std::memory_order_relaxed) == lock)
    livelock_on_acquired(r, lock);
  if (g_starvation_watch_count.load(std::memory_order_acquire) > 0) starvation_on_acquired(t, lock, flags, site);
  if (options().profile) profile_on_acquired(record_of(t), lock, monotonic_ns());
}

void on_released_observed(ThreadState *t, LockState *lock, bool) {
  if (options().profile) profile_on_released(record_of(t), lock, monotonic_ns());
}

void at_exit_print_profile() {
  if (options().profile) print_profile_table();
}

}  // namespace

// ---- records ----
LiveThread *record_of(ThreadState *t) {
  LiveThread *r = t_record;
  if (__builtin_expect(r != nullptr, 1)) {
    if (r->state.load(std::memory_order_relaxed) == t && r->tid.load(std::memory_order_relaxed) == t->tid) return r;
    if (r->owner_key == &t_owner_key) {  // same OS thread, new ThreadState (late TLS destructors)
      SpinGuard guard(g_records_lock);
      reset_record(r, t);
      return r;
    }
  }
  r = claim_record(t);
  t_record = r;
  return r;
}

LiveThread *first_record() { return g_records.load(std::memory_order_acquire); }

bool record_alive(LiveThread *r) {
  ThreadState *state = r->state.load(std::memory_order_acquire);
  uint32_t tid = r->tid.load(std::memory_order_acquire);
  return state && tid && thread_by_tid(tid) == state;
}

LiveThread *record_by_tid(uint32_t tid) {
  if (!tid) return nullptr;
  for (LiveThread *r = first_record(); r; r = r->next.load(std::memory_order_acquire))
    if (r->tid.load(std::memory_order_acquire) == tid && record_alive(r)) return r;
  return nullptr;
}

bool read_wait(LiveThread *r, WaitSnapshot *out, uint32_t *seq) {
  uint32_t before = r->wait_seq.load(std::memory_order_acquire);
  if (before & 1) return false;
  *out = r->wait;
  std::atomic_thread_fence(std::memory_order_acquire);
  if (r->wait_seq.load(std::memory_order_relaxed) != before) return false;
  *seq = before;
  return true;
}

void capture_deep_stack(DeepStack *out, void *frame, uintptr_t stack_lo, uintptr_t stack_hi) {
  out->depth = 0;
  uintptr_t fp = reinterpret_cast<uintptr_t>(frame);
  while (out->depth < kDeepStackDepth) {
    if (fp < stack_lo || fp + 16 > stack_hi || (fp & 7)) break;
    uintptr_t pc = reinterpret_cast<uintptr_t *>(fp)[1];
    if (!is_code_address(pc)) break;
    out->pc[out->depth++] = pc;
    uintptr_t next_fp = reinterpret_cast<uintptr_t *>(fp)[0];
    if (next_fp <= fp) break;
    fp = next_fp;
  }
}

Vec<uintptr_t> deep_stack_pcs(const DeepStack &stack) {
  Vec<uintptr_t> pcs;
  for (int i = 0; i < stack.depth; ++i) pcs.push_back(stack.pc[i]);
  return pcs;
}

void ensure_monitor_started() {
  if (__builtin_expect(g_monitor_state.load(std::memory_order_relaxed) != 0, 1)) return;
  int expected = 0;
  if (!g_monitor_state.compare_exchange_strong(expected, 1)) return;
  // The real pthread_create, not the interceptor: the monitor is no user
  // thread (it takes no tid, so the user's threads keep their names).
  auto create = reinterpret_cast<CreateFn>(dlsym(RTLD_NEXT, "pthread_create"));
  pthread_t thread;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  if (!create || create(&thread, &attr, monitor_main, nullptr) != 0)
    note_degraded("liveness monitor thread could not be started: no starvation or hang detection");
  pthread_attr_destroy(&attr);
}

void liveness_wait_begin(ThreadState *t, WaitKind kind, const void *object, uint32_t target_tid, void *frame) {
  begin_wait(t, kind, object, nullptr, target_tid, frame);
}

void liveness_wait_end(ThreadState *t) { end_wait(t); }

uint32_t liveness_tid_of_pthread(unsigned long pthread_id) {
  for (LiveThread *r = first_record(); r; r = r->next.load(std::memory_order_acquire))
    if (r->pthread_id == pthread_id && record_alive(r)) return r->tid.load(std::memory_order_relaxed);
  return 0;
}

void install_liveness_detectors() {
  Observer o;
  o.contended = on_contended_observed;
  o.acquired_after_contention = on_acquired_after_contention_observed;
  o.acquire_failed = on_acquire_failed_observed;
  o.cond_wait_begin = on_cond_wait_begin_observed;
  o.cond_wait_end = on_cond_wait_end_observed;
  o.progress = on_progress_observed;
  o.watched_acquired = on_watched_acquired;
  o.released = on_released_observed;
  if (!add_observer(o)) note_degraded("no observer slot left for the liveness detectors");
  if (options().profile) {
    g_observe_every_acquisition = true;
    atexit(at_exit_print_profile);
  }
  pthread_atfork(nullptr, nullptr, forget_monitor_in_child);
}

// ---- text helpers ----
Str liveness_duration(uint64_t ns) {
  Str s;
  uint64_t ms = ns / 1000000;
  if (ms >= 1000) {
    s.append_u64(ms / 1000) << ".";
    uint64_t hundredths = (ms % 1000) / 10;
    if (hundredths < 10) s << "0";
    s.append_u64(hundredths) << " s";
  } else if (ms > 0) {
    s.append_u64(ms) << " ms";
  } else {
    s.append_u64(ns / 1000) << " us";
  }
  return s;
}

Str liveness_lock_name(const LockState *lock) {
  LockName name = describe_lock(lock->address, lock->kind, lock->id,
                                lock_first_site(lock));
  Str s;
  s << "`" << name.short_name << "`";
  return s;
}

const char *wait_kind_name(WaitKind kind) {
  switch (kind) {
    case WaitKind::kMutex: return "locking";
    case WaitKind::kRwRead: return "read-locking";
    case WaitKind::kRwWrite: return "write-locking";
    case WaitKind::kCond: return "waiting on condition variable";
    case WaitKind::kSemaphore: return "waiting on semaphore";
    case WaitKind::kBarrier: return "waiting at barrier";
    case WaitKind::kJoin: return "joining";
    case WaitKind::kNone: break;
  }
  return "running";
}


}  // namespace interlock

namespace interlock {
namespace {

// "`variable`" where debug info names it, else "at 0x…"; the variable alone
// in *variable_out (empty if unknown).
Str object_display(const void *object, Str *variable_out) {
  Str name;
  Str variable = symbolize_data(reinterpret_cast<uintptr_t>(object));
  if (!variable.empty()) name << "`" << variable << "`";
  else name << "at 0x" << Str().append_hex(reinterpret_cast<uintptr_t>(object));
  *variable_out = variable;
  return name;
}

const char *object_kind(WaitKind kind) { return kind == WaitKind::kSemaphore ? "semaphore" : "barrier"; }

INTERLOCK_COLD void report_destroy_in_use(ThreadState *t, WaitKind kind, const void *object, const CallSite &site,
                                          uint32_t waiter, const WaitSnapshot &wait) {
  report_lock();
  Finding *f = finding_new(Rule::kDestroyLocked);
  const char *what = object_kind(kind);
  Str variable;
  Str name = object_display(object, &variable);
  f->fingerprint_basis << what << ":" << (variable.empty() ? Str("?") : variable) << "\n";
  f->message << "Destroy of a " << what << " in use: thread " << thread_name(t->tid) << " destroys " << what << " "
             << name << " while thread " << thread_name(waiter) << " waits on it";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " destroys " << what << " " << name << ":";
  msg << what << " " << name << " destroyed while a thread waits on it";
  FindingSection *s = finding_add_section(f, title, msg, 2);
  stack_of_caller(t, site, &s->pcs);
  Str w_title, w_msg;
  w_title << "thread " << thread_name(waiter) << " waits on it at:";
  w_msg << "thread " << thread_name(waiter) << " waits on " << what << " " << name << " here";
  FindingSection *w = finding_add_section(f, w_title, w_msg, 4);
  w->pcs = deep_stack_pcs(wait.stack);
  report_unlock();
  report_finding(f);
}

}  // namespace

void liveness_check_destroy(ThreadState *t, WaitKind kind, const void *object, const CallSite &site) {
  for (LiveThread *r = first_record(); r; r = r->next.load(std::memory_order_acquire)) {
    WaitSnapshot wait;
    uint32_t seq;
    if (!record_alive(r) || !read_wait(r, &wait, &seq) || wait.kind != kind || wait.object != object) continue;
    uint32_t waiter = r->tid.load(std::memory_order_relaxed);
    if (waiter == t->tid) continue;
    report_destroy_in_use(t, kind, object, site, waiter, wait);
    return;  // one report per destroy
  }
}

}  // namespace interlock

// ---- use after destroy (semaphores, barriers) ----
namespace interlock {
namespace {

// Destroyed semaphores and barriers not re-initialised since: address ->
// stack-depot id of the destroy. A hash map, not a list: a program that keeps
// destroying objects at fresh addresses must not make every semaphore call
// search all of them.
SpinLock g_dead_lock;
Global<AddressMap<uint32_t>> g_dead_storage;
#define g_dead (*g_dead_storage)
std::atomic<size_t> g_dead_count{0};

void release_dead_thread_lock_in_child() { g_dead_lock.unlock(); }

INTERLOCK_COLD void report_use_after_destroy(ThreadState *t, WaitKind kind, const void *object, const char *operation,
                                             const CallSite &site, uint32_t destroy_site_id) {
  report_lock();
  Finding *f = finding_new(Rule::kInvalidMutex);
  const char *what = object_kind(kind);
  Str variable;
  Str name = object_display(object, &variable);
  f->fingerprint_basis << what << "-use:" << (variable.empty() ? Str("?") : variable) << "\n";
  f->message << "Invalid " << what << " use: thread " << thread_name(t->tid) << " calls " << operation << " on "
             << what << " " << name << " after it was destroyed";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " uses destroyed " << what << " " << name << " (" << operation << "):";
  msg << operation << " of " << what << " " << name << " after its destroy";
  FindingSection *s = finding_add_section(f, title, msg, 2);
  stack_of_caller(t, site, &s->pcs);
  Str d_title("destroyed at:"), d_msg;
  d_msg << what << " " << name << " destroyed here";
  FindingSection *d = finding_add_section(f, d_title, d_msg, 4);
  short_stack_to_vec(stack_depot_copy(destroy_site_id), &d->pcs);
  report_unlock();
  report_finding(f);
}

}  // namespace

void liveness_object_created(const void *object) {
  if (g_dead_count.load(std::memory_order_acquire) == 0) return;
  SpinGuard guard(g_dead_lock);
  if (g_dead.erase(reinterpret_cast<uintptr_t>(object))) g_dead_count.fetch_sub(1, std::memory_order_release);
}

void liveness_object_destroyed(ThreadState *t, const void *object, const CallSite &site) {
  ShortStack destroy_site;
  capture_short_stack(&destroy_site, site.frame, site.return_pc, t->stack_lo, t->stack_hi);
  uint32_t destroy_site_id = stack_depot_put(destroy_site);
  SpinGuard guard(g_dead_lock);
  // Destroyed twice: the first destroy stays the reference.
  if (g_dead.insert(reinterpret_cast<uintptr_t>(object), destroy_site_id))
    g_dead_count.fetch_add(1, std::memory_order_release);
}

void liveness_check_use(ThreadState *t, WaitKind kind, const void *object, const char *operation,
                        const CallSite &site) {
  if (__builtin_expect(g_dead_count.load(std::memory_order_acquire) == 0, 1)) return;
  uint32_t destroy_site_id = 0;
  {
    SpinGuard guard(g_dead_lock);
    uint32_t *found = g_dead.find(reinterpret_cast<uintptr_t>(object));
    if (!found) return;
    destroy_site_id = *found;
  }
  report_use_after_destroy(t, kind, object, operation, site, destroy_site_id);
}

}  // namespace interlock
