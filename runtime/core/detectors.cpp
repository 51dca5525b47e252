#include "core/detectors.h"

#include <utility>

#include "common/code_layout.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "report/finding.h"

namespace interlock {
namespace {

alignas(LockGraph) char g_graph_storage[sizeof(LockGraph)];
LockGraph *g_graph;
SpinLock g_graph_init;

void retire_hook(uint64_t id) { lock_graph().retire_lock(id); }

Vec<uintptr_t> full_stack() {
  Vec<uintptr_t> stack;
  capture_full_stack(&stack, int(options().stack_depth));
  return stack;
}

Vec<uintptr_t> pcs_of(const ShortStack &stack) {
  Vec<uintptr_t> pcs;
  short_stack_to_vec(stack, &pcs);
  return pcs;
}

// The section of the thread that is reporting, at the call being checked: its
// full stack, or the call's short stack when unwinding found nothing.
FindingSection *add_reporting_thread_section(Finding *f, const Str &title, const Str &msg,
                                             const ShortStack &site) {
  FindingSection *s = finding_add_section(f, title, msg, 2);
  s->pcs = full_stack();
  if (s->pcs.empty()) s->pcs = pcs_of(site);
  return s;
}

LockName name_of(const LockState *lock) {
  return describe_lock(lock->address, lock->kind, lock->id, lock_first_site(lock));
}

Str quoted(const Str &name) {
  Str s;
  s << "`" << name << "`";
  return s;
}

// A misuse finding about one lock: taken with the report lock held, named,
// fingerprinted by the lock's stable id. end_finding() files it.
Finding *begin_lock_finding(Rule rule, const LockState *lock, LockName *name) {
  report_lock();
  Finding *f = finding_new(rule);
  *name = name_of(lock);
  f->fingerprint_basis << name->stable_id << "\n";
  return f;
}

// Releases the report lock taken by begin_lock_finding(), then files the
// finding (report_finding is called without it, as everywhere).
void end_finding(Finding *f) {
  report_unlock();
  report_finding(f);
}

// A related site of the finding (where the lock was acquired, destroyed...).
void add_site_section(Finding *f, const Str &title, const Str &msg, Vec<uintptr_t> pcs) {
  FindingSection *section = finding_add_section(f, title, msg, 4);
  section->pcs = std::move(pcs);
}


// ---- condition variables ----
struct CondState {
  const void *address;
  uint64_t mutex_id;
  LockState *mutex;
  uint32_t site;      // stack-depot id of the wait that bound the mutex
  uint32_t waiters;
  CondState *next;
};
constexpr size_t kCondBuckets = 4096;
CondState *g_conds[kCondBuckets];
SpinLock g_cond_lock;

CondState *cond_state(const void *cond, bool create) {
  size_t b = mix64(reinterpret_cast<uintptr_t>(cond)) % kCondBuckets;
  CondState *free_entry = nullptr;
  for (CondState *c = g_conds[b]; c; c = c->next) {
    if (c->address == cond) return c;
    if (!c->address && !free_entry) free_entry = c;
  }
  if (!create) return nullptr;
  CondState *c = free_entry;
  if (!c) {
    c = internal_new<CondState>();
    c->next = g_conds[b];
    g_conds[b] = c;
  }
  c->address = cond;
  c->mutex = nullptr;
  c->mutex_id = 0;
  c->waiters = 0;
  return c;
}

}  // namespace

LockGraph &lock_graph() {
  if (__builtin_expect(g_graph != nullptr, 1)) return *g_graph;
  SpinGuard guard(g_graph_init);
  if (!g_graph) {
    auto *graph = new (g_graph_storage) LockGraph();
    graph->set_cycle_search_budget(size_t(options().cycle_search_budget));
    graph->set_report_single_thread(options().single_thread_cycles);
    set_retire_hook(retire_hook);
    __atomic_store_n(&g_graph, graph, __ATOMIC_RELEASE);
  }
  return *g_graph;
}

INTERLOCK_COLD void report_lock_order_cycle(const Cycle &cycle) {
  report_lock();
  Finding *f = finding_new(Rule::kLockOrderInversion);
  size_t n = cycle.edges.size();
  Vec<LockName *> names;
  for (size_t i = 0; i < n; ++i) {
    const Edge *e = cycle.edges[i];
    const GraphNode *node = lock_graph().node(e->from);
    auto *name = internal_new<LockName>();
    if (node) *name = describe_lock(node->address, node->kind, node->id, stack_depot_get(node->first_site));
    else name->display = name->short_name = name->stable_id = "?";
    names.push_back(name);
  }
  Str cycle_text, threads;
  Vec<uint32_t> seen_threads;
  for (size_t i = 0; i < n; ++i) {
    cycle_text << names[i]->display << " -> ";
    uint32_t tid = cycle.edges[i]->first_thread;
    if (!seen_threads.contains(tid)) {
      seen_threads.push_back(tid);
      if (!threads.empty()) threads << ", ";
      threads << thread_name(tid);
    }
  }
  cycle_text << names[0]->display;
  f->detail << "  Cycle: " << cycle_text << "\n";
  if (cycle.single_thread) {
    f->level = "note";
    f->counts = false;
    f->detail << "  All edges come from one thread, which cannot deadlock by itself.\n";
  }
  f->message << "Lock-order inversion (potential deadlock): " << cycle_text << " (threads " << threads << ")";
  for (size_t i = 0; i < n; ++i) {
    const Edge *e = cycle.edges[i];
    const LockName &from = *names[i];
    const LockName &to = *names[(i + 1) % n];
    f->fingerprint_basis << from.stable_id << "\n";
    Str title, msg;
    title << "Edge " << Str().append_u64(i + 1) << ": thread " << thread_name(e->first_thread) << " acquired "
          << quoted(to.short_name) << " while holding " << quoted(from.short_name);
    if (e->from_try) title << " (taken by try-lock)";
    msg << "thread " << thread_name(e->first_thread) << " acquires " << quoted(to.short_name) << " while holding "
        << quoted(from.short_name);
    FindingSection *s = finding_add_section(f, title, msg, 2);
    if (e->to_stack) stack_depot_append_pcs(e->to_stack, &s->pcs);
    else s->pcs = pcs_of(stack_depot_copy(e->to_site));
    Str held_title, held_msg;
    held_title << "held " << quoted(from.short_name) << ", acquired at:";
    held_msg << quoted(from.short_name) << " acquired here by thread " << thread_name(e->first_thread)
             << ", held while acquiring " << quoted(to.short_name);
    FindingSection *h = finding_add_section(f, held_title, held_msg, 4);
    h->pcs = pcs_of(stack_depot_copy(e->from_site));
  }
  for (LockName *name : names) internal_delete(name);
  end_finding(f);
}

namespace {

// The threads holding `lock`: its exclusive owner, or, when it is held for
// reading, every live thread with a read hold of it (a scan, done only for a
// contended acquisition that is about to block).
void holders_of(const LockState *lock, Vec<ThreadState *> *out) {
  out->clear();
  uint32_t owner_tid = lock->owner.load(std::memory_order_seq_cst);
  if (owner_tid) {
    if (ThreadState *owner = thread_by_tid(owner_tid)) out->push_back(owner);
    return;
  }
  if (lock->kind != LockKind::kRwLock) return;
  for_each_read_holder(lock, [&](ThreadState *x) {
    out->push_back(x);
    return true;
  });
}

bool still_holds(ThreadState *x, const LockState *lock) {
  if (lock->owner.load(std::memory_order_seq_cst) == x->tid) return true;
  const HeldLock *hold = hold_of(x, lock);
  return hold && (hold->flags & kHeldRead);
}

// Depth-first search of the wait-for graph from `t`: thread -> (lock it
// waits for) -> every holder of that lock. A waiter is stuck for ever if ANY
// holder is (a writer needs every reader gone), so one path back to `t` is a
// deadlock. `threads[i]` waits for `waits[i]`, held by `threads[i + 1]`.
bool find_wait_cycle(ThreadState *t, Vec<ThreadState *> *threads, Vec<LockState *> *waits) {
  struct Frame {
    ThreadState *thread;
    LockState *wants;
    Vec<ThreadState *> *holders;
    size_t next;
  };
  Vec<Frame> stack;
  Vec<ThreadState *> visited;
  auto push = [&](ThreadState *x, LockState *wants) {
    auto *holders = internal_new<Vec<ThreadState *>>();
    holders_of(wants, holders);
    stack.push_back(Frame{x, wants, holders, 0});
    visited.push_back(x);
  };
  push(t, t->waiting_for.load(std::memory_order_seq_cst));
  bool found = false;
  while (!stack.empty() && !found) {
    Frame &top = stack.back();
    if (top.next >= top.holders->size()) {
      internal_delete(top.holders);
      stack.pop_back();
      continue;
    }
    ThreadState *holder = (*top.holders)[top.next++];
    if (holder == t) {
      found = true;
      break;
    }
    if (visited.contains(holder)) continue;  // explored already (or a cycle without t)
    LockState *next = holder->waiting_for.load(std::memory_order_seq_cst);
    if (!next) continue;  // the holder runs: it will release some day
    push(holder, next);
  }
  if (found)
    for (Frame &f : stack) {
      threads->push_back(f.thread);
      waits->push_back(f.wants);
    }
  for (Frame &f : stack) internal_delete(f.holders);
  return found;
}

// threads[i] waits for waits[i], held by threads[i + 1]; t is the caller.
INTERLOCK_COLD void report_deadlock(ThreadState *t, const Vec<ThreadState *> &threads, const Vec<LockState *> &waits) {
  size_t n = threads.size();
  report_lock();
  Finding *f = finding_new(Rule::kDeadlock);
  f->level = "error";
  Vec<LockName *> names;
  for (size_t i = 0; i < n; ++i) {
    auto *name = internal_new<LockName>();
    *name = name_of(waits[i]);
    names.push_back(name);
  }
  Str who;
  f->detail << "  Cycle:";
  for (size_t i = 0; i < n; ++i) {
    f->detail << " thread " << thread_name(threads[i]->tid) << " waits for " << quoted(names[i]->short_name)
              << " held by thread " << thread_name(threads[(i + 1) % n]->tid) << (i + 1 < n ? ";" : "");
    if (i) who << (i + 1 == n ? " and " : ", ");
    who << thread_name(threads[i]->tid);
    f->fingerprint_basis << names[i]->stable_id << "\n";
  }
  f->detail << "\n";
  f->message << "Deadlock: threads " << who << " wait for each other, every one for a lock the next one holds";
  for (size_t i = 0; i < n; ++i) {
    ThreadState *x = threads[i];
    const LockName &wanted = *names[i];
    const LockName &held = *names[(i + n - 1) % n];
    Str title, msg;
    title << "Thread " << thread_name(x->tid) << " is blocked locking " << quoted(wanted.short_name)
          << " (held by thread " << thread_name(threads[(i + 1) % n]->tid) << "):";
    msg << "thread " << thread_name(x->tid) << " blocks here locking " << quoted(wanted.short_name);
    FindingSection *s = finding_add_section(f, title, msg, 2);
    if (x == t) s->pcs = full_stack();
    else s->pcs = pcs_of(x->waiting_site);
    const HeldLock *hold = hold_of(x, waits[(i + n - 1) % n]);
    Str held_title, held_msg;
    held_title << "holding " << quoted(held.short_name) << " (wanted by thread "
               << thread_name(threads[(i + n - 1) % n]->tid) << "), acquired at:";
    held_msg << quoted(held.short_name) << " acquired here by thread " << thread_name(x->tid);
    FindingSection *h = finding_add_section(f, held_title, held_msg, 4);
    if (hold) h->pcs = pcs_of(hold->site);
  }
  for (LockName *name : names) internal_delete(name);
  end_finding(f);
}

}  // namespace

namespace {
// Whether the wait-for search can be skipped: every holder of `lock` runs
// (waits for nothing) and so will release it some day — the usual
// contention. The search would stop at the same reads; this way a contended
// acquisition allocates nothing. (If a holder starts waiting later, its own
// check sees this thread's wait: both announce before they read, seq_cst.)
bool holders_run(const LockState *lock) {
  uint32_t owner_tid = lock->owner.load(std::memory_order_seq_cst);
  if (owner_tid) {
    ThreadState *owner = thread_by_tid(owner_tid);
    return !owner || !owner->waiting_for.load(std::memory_order_seq_cst);
  }
  if (lock->kind != LockKind::kRwLock) return false;  // free again: let the search look
  bool all_run = true;
  for_each_read_holder(lock, [&](ThreadState *x) {
    all_run = !x->waiting_for.load(std::memory_order_seq_cst);
    return all_run;
  });
  return all_run;
}
}  // namespace

void check_wait_for_cycle(ThreadState *t, LockState *lock) {
  if (holders_run(lock)) return;
  Vec<ThreadState *> threads;
  Vec<LockState *> waits;
  if (!find_wait_cycle(t, &threads, &waits)) return;
  // Re-check every link: all waiters still wait, all holders still hold.
  size_t n = threads.size();
  for (size_t i = 0; i < n; ++i) {
    if (threads[i]->waiting_for.load(std::memory_order_seq_cst) != waits[i]) return;
    if (!still_holds(threads[(i + 1) % n], waits[i])) return;
  }
  report_deadlock(t, threads, waits);
}

INTERLOCK_COLD void report_double_lock(ThreadState *t, LockState *lock, const char *what, const ShortStack &site) {
  LockName name;
  Finding *f = begin_lock_finding(Rule::kDoubleLock, lock, &name);
  f->message << "Double lock: thread " << thread_name(t->tid) << " locks " << name.display
             << " again while holding it" << (what ? " (" : "") << (what ? what : "") << (what ? ")" : "")
             << "; a non-recursive lock blocks for ever here";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " locks " << quoted(name.short_name) << " again:";
  msg << "thread " << thread_name(t->tid) << " locks " << quoted(name.short_name) << " a second time";
  add_reporting_thread_section(f, title, msg, site);
  const HeldLock *hold = held_find(t, lock, false);
  if (!hold) hold = held_find(t, lock, true);
  Str held_msg;
  held_msg << quoted(name.short_name) << " first acquired here";
  add_site_section(f, Str("first acquired at:"), held_msg, hold ? pcs_of(hold->site) : Vec<uintptr_t>());
  end_finding(f);
}

INTERLOCK_COLD void report_bad_unlock(ThreadState *t, LockState *lock, const ShortStack &site) {
  LockName name;
  Finding *f = begin_lock_finding(Rule::kBadUnlock, lock, &name);
  uint32_t owner_tid = lock->owner.load(std::memory_order_relaxed);
  ThreadState *owner = owner_tid && owner_tid != t->tid ? thread_by_tid(owner_tid) : nullptr;
  Str title, msg;
  if (owner_tid && owner_tid != t->tid) {
    f->message << "Bad unlock: thread " << thread_name(t->tid) << " unlocks " << name.display
               << ", which thread " << thread_name(owner_tid) << " holds";
  } else if (lock->kind == LockKind::kRecursiveMutex) {
    f->message << "Bad unlock: thread " << thread_name(t->tid) << " unlocks " << name.display
               << " more times than it locked it (recursive unlock underflow)";
  } else {
    f->message << "Bad unlock: thread " << thread_name(t->tid) << " unlocks " << name.display
               << ", which no thread holds";
  }
  title << "Thread " << thread_name(t->tid) << " unlocks " << quoted(name.short_name) << ":";
  msg << "thread " << thread_name(t->tid) << " unlocks " << quoted(name.short_name) << " without holding it";
  add_reporting_thread_section(f, title, msg, site);
  if (owner) {
    if (const HeldLock *hold = hold_of(owner, lock)) {
      Str held_title, held_msg;
      held_title << "held by thread " << thread_name(owner_tid) << ", acquired at:";
      held_msg << quoted(name.short_name) << " acquired here by thread " << thread_name(owner_tid);
      add_site_section(f, held_title, held_msg, pcs_of(hold->site));
    }
  }
  end_finding(f);
}

INTERLOCK_COLD void report_invalid_use(ThreadState *t, LockState *lock, const char *operation, const ShortStack &site) {
  LockName name;
  Finding *f = begin_lock_finding(Rule::kInvalidMutex, lock, &name);
  f->message << "Invalid mutex: thread " << thread_name(t->tid) << " uses " << name.display << " (" << operation
             << ") after it was destroyed";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " uses destroyed " << quoted(name.short_name) << " (" << operation << "):";
  msg << operation << " of " << quoted(name.short_name) << " after pthread destroy";
  add_reporting_thread_section(f, title, msg, site);
  Str d_msg;
  d_msg << quoted(name.short_name) << " destroyed here";
  add_site_section(f, Str("destroyed at:"), d_msg,
                   lock->destroy_site ? pcs_of(stack_depot_copy(lock->destroy_site)) : Vec<uintptr_t>());
  end_finding(f);
}

INTERLOCK_COLD void report_destroy_locked(ThreadState *t, LockState *lock, const ShortStack &site) {
  LockName name;
  Finding *f = begin_lock_finding(Rule::kDestroyLocked, lock, &name);
  uint32_t owner_tid = lock->owner.load(std::memory_order_relaxed);
  f->message << "Destroy of a locked lock: thread " << thread_name(t->tid) << " destroys " << name.display;
  if (owner_tid) f->message << " while thread " << thread_name(owner_tid) << " holds it";
  else f->message << " while it is held for reading";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " destroys " << quoted(name.short_name) << ":";
  msg << quoted(name.short_name) << " destroyed while held";
  add_reporting_thread_section(f, title, msg, site);
  ThreadState *owner = owner_tid == t->tid ? t : thread_by_tid(owner_tid);
  const HeldLock *hold = hold_of(owner, lock);
  if (!hold) hold = hold_of(t, lock);
  if (hold) {
    Str h_title, h_msg;
    h_title << "held by thread " << thread_name(owner_tid ? owner_tid : t->tid) << ", acquired at:";
    h_msg << quoted(name.short_name) << " acquired here";
    FindingSection *h = finding_add_section(f, h_title, h_msg, 4);
    h->pcs = pcs_of(hold->site);
  }
  end_finding(f);
}

INTERLOCK_COLD void report_cond_wait_unheld(ThreadState *t, LockState *mutex, const ShortStack &site) {
  report_lock();
  Finding *f = finding_new(Rule::kCondWaitUnheld);
  LockName name = name_of(mutex);
  f->fingerprint_basis << name.stable_id << "\n";
  f->message << "Condition-variable wait with " << name.display << ", which thread " << thread_name(t->tid)
             << " does not hold";
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " waits with unheld " << quoted(name.short_name) << ":";
  msg << "condition wait with " << quoted(name.short_name) << " not held";
  add_reporting_thread_section(f, title, msg, site);
  end_finding(f);
}

namespace {
// A wait on a condition variable with `mutex` while others wait with `bound`
// (its wait site in the depot: `bound_site`).
INTERLOCK_COLD void report_cond_mutex_mismatch(ThreadState *t, LockState *mutex, LockState *bound, uint32_t bound_site,
                                               const ShortStack &site) {
  report_lock();
  Finding *f = finding_new(Rule::kCondMutexMismatch);
  LockName now = name_of(mutex), before = name_of(bound);
  f->fingerprint_basis << now.stable_id << "\n" << before.stable_id << "\n";
  f->message << "Condition variable used with two mutexes: thread " << thread_name(t->tid) << " waits with "
             << now.display << " while other waiters use " << before.display;
  Str title, msg;
  title << "Thread " << thread_name(t->tid) << " waits with " << quoted(now.short_name) << ":";
  msg << "wait with " << quoted(now.short_name);
  add_reporting_thread_section(f, title, msg, site);
  Str b_title, b_msg;
  b_title << "earlier wait with " << quoted(before.short_name) << ":";
  b_msg << "earlier wait with " << quoted(before.short_name);
  FindingSection *b = finding_add_section(f, b_title, b_msg, 4);
  b->pcs = pcs_of(stack_depot_copy(bound_site));
  end_finding(f);
}
}  // namespace

void check_cond_binding(ThreadState *t, const void *cond, LockState *mutex, const ShortStack &site, bool begin) {
  bool mismatch = false;
  LockState *bound = nullptr;
  uint32_t bound_site = 0;
  {
    SpinGuard guard(g_cond_lock);
    CondState *c = cond_state(cond, begin);
    if (!c) return;
    if (!begin) {
      if (c->waiters) --c->waiters;
      return;
    }
    if (c->waiters > 0 && c->mutex_id != mutex->id && c->mutex && c->mutex->id == c->mutex_id) {
      mismatch = true;
      bound = c->mutex;
      bound_site = c->site;
    } else if (c->waiters == 0) {
      c->mutex = mutex;
      c->mutex_id = mutex->id;
      c->site = stack_depot_put(site);
    }
    ++c->waiters;
  }
  if (mismatch) report_cond_mutex_mismatch(t, mutex, bound, bound_site, site);
}

void detectors_fork_lock() {
  lock_graph().fork_lock();
  g_cond_lock.lock();
}

void detectors_fork_unlock() {
  g_cond_lock.unlock();
  lock_graph().fork_unlock();
}

void forget_cond(const void *cond) {
  SpinGuard guard(g_cond_lock);
  if (CondState *c = cond_state(cond, false)) c->address = nullptr;
}

namespace {
// `live`: the indexes of the thread's live holds in `array`.
INTERLOCK_COLD void report_held_locks(ThreadState *t, const HeldLock *array, const Vec<uint32_t> &live,
                                      const char *when) {
  report_lock();
  Finding *f = finding_new(Rule::kLockHeldAtExit);
  Str list;
  for (uint32_t i : live) {
    const HeldLock &h = array[i];
    LockName name = name_of(h.lock);
    f->fingerprint_basis << name.stable_id << "\n";
    if (!list.empty()) list << ", ";
    list << name.display;
    Str title, msg;
    title << "held " << quoted(name.short_name) << ", acquired at:";
    msg << quoted(name.short_name) << " acquired here and never released";
    FindingSection *s = finding_add_section(f, title, msg, 2);
    s->pcs = pcs_of(h.site);
  }
  f->message << "Lock held at exit: thread " << thread_name(t->tid) << " " << when << " " << list;
  end_finding(f);
}
}  // namespace

void report_locks_held_at_exit(ThreadState *t, const char *when) {
  uint32_t n = t->held_count.load(std::memory_order_acquire);
  HeldLock *array = t->held.load(std::memory_order_acquire);
  Vec<uint32_t> live;
  for (uint32_t i = 0; i < n; ++i) {
    if (hold_is_live(t, array[i])) live.push_back(i);
  }
  if (!live.empty()) report_held_locks(t, array, live, when);
}

void report_held_at_process_exit() {
  uint32_t limit = thread_tid_limit();
  for (uint32_t tid = 1; tid < limit; ++tid)
    if (ThreadState *t = thread_by_tid(tid)) report_locks_held_at_exit(t, "still holds at process exit");
}

}  // namespace interlock
