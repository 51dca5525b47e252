// The report layer: symbolize a finding's stacks, apply suppressions,
// deduplicate by fingerprint, print the text block, keep it for SARIF, and
// halt when asked.
#include <cerrno>
#include <cstdio>
#include <unistd.h>

#include "common/code_layout.h"
#include "common/options.h"
#include "common/raw_output.h"
#include "common/spin_lock.h"
#include "report/finding.h"
#include "report/sarif.h"
#include "report/suppressions.h"
#include "report/symbolizer.h"

namespace interlock {
namespace {

struct RuleInfo {
  const char *id, *headline, *short_description, *help, *level;
};

const RuleInfo kRules[] = {
    {"lock-order-inversion", "lock-order-inversion (potential deadlock)",
     "Two or more locks are taken in inconsistent orders by different threads.",
     "Threads acquired the locks of this cycle in orders that can deadlock if they run at the same time. Pick one "
     "global order, take the locks together (std::scoped_lock / std::lock), or guard the sections with one common "
     "lock.",
     "warning"},
    {"deadlock", "deadlock (threads block each other for ever)",
     "Threads are blocked waiting for locks held by each other.",
     "Every thread of the cycle waits for a lock the next one holds: none can proceed. Fix the lock order (see the "
     "lock-order-inversion that usually accompanies it).",
     "error"},
    {"double-lock", "double-lock (self-deadlock)", "A non-recursive lock is locked again by the thread holding it.",
     "Locking a non-recursive mutex (or rwlock) that the same thread already holds blocks for ever. Unlock first, "
     "split the function into a locked and an unlocked variant, or use a recursive mutex deliberately.",
     "warning"},
    {"bad-unlock", "bad-unlock", "A lock is unlocked by a thread that does not hold it.",
     "Unlocking a mutex that is not held, or held by another thread, or a recursive mutex more times than it was "
     "locked, is undefined behaviour and corrupts the lock state.",
     "warning"},
    {"destroy-locked", "destroy-locked", "A lock is destroyed while it is held.",
     "pthread_mutex_destroy / pthread_rwlock_destroy on a held lock is undefined behaviour (glibc returns EBUSY and "
     "the lock stays). Release it first and make sure no thread can still use it.",
     "warning"},
    {"cond-wait-unheld", "cond-wait-unheld", "A condition-variable wait with a mutex the thread does not hold.",
     "pthread_cond_wait and friends must be called with the mutex locked by the calling thread; otherwise wake-ups "
     "can be lost and the mutex state is undefined.",
     "warning"},
    {"cond-mutex-mismatch", "cond-mutex-mismatch", "One condition variable is used with two different mutexes.",
     "All concurrent waits on one condition variable must use the same mutex (POSIX leaves the rest undefined). "
     "Give each mutex its own condition variable.",
     "warning"},
    {"lock-held-at-exit", "lock-held-at-exit", "A thread ends, or the process exits, while a lock is held.",
     "A lock still held when its thread ends can never be released: any later locker hangs. Release locks on every "
     "path (RAII guards), including early returns and pthread_exit.",
     "warning"},
    {"invalid-mutex", "invalid-mutex", "A lock operation on a destroyed lock.",
     "The lock was destroyed and not re-initialised before this use; the operation is undefined behaviour.",
     "warning"},
    {"livelock", "livelock", "Threads keep failing to acquire locks held by each other, without progress.",
     "Each thread of the set failed at least livelock_failures try-locks (or livelock_timeouts timed locks) over at "
     "least livelock_ms on a lock another member held, and none acquired it (or called interlock_progress). Take "
     "the locks in one global order, take them together (std::scoped_lock / std::lock), or back off for a random "
     "time so the threads leave their lockstep.",
     "warning"},
    {"starvation", "starvation", "A thread waits for a lock that other threads keep taking.",
     "The waiter waited longer than starvation_ms while other threads acquired the same lock at least "
     "starvation_acquisitions times (a long wait behind one long hold is contention, see profile=1, not starvation). "
     "Use a fair lock or queue, shorten or batch the greedy critical sections, or for a reader-writer lock prefer "
     "writers (PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP).",
     "warning"},
    {"hang", "hang", "Every thread (or a set of threads waiting on each other) stays blocked.",
     "The watchdog (hang_timeout_ms) saw every thread blocked in a wait (lock, condition variable, semaphore, "
     "barrier, join) for that long, or threads waiting on each other through joins and locks; it printed what "
     "each one waits for and ended the process. Look for the missing signal / post / unlock, or the join on a "
     "thread that needs a lock its joiner holds.",
     "error"},
};

// Report serialisation: a recursive spin lock (a detector holds it while
// naming locks, then report_finding takes it again).
SpinLock g_report_lock;
std::atomic<const void *> g_report_owner{nullptr};
int g_report_depth;
__thread char t_report_marker __attribute__((tls_model("initial-exec")));

Global<Vec<Finding *>> g_findings_storage;
Global<Vec<uint64_t>> g_seen_storage;
Global<Vec<const char *>> g_degraded_storage;
#define g_findings (*g_findings_storage)
#define g_seen_fingerprints (*g_seen_storage)
#define g_degraded (*g_degraded_storage)
std::atomic<size_t> g_counting{0};
std::atomic<bool> g_finalized{false};

const SymbolizedFrame *pick_user_frame(const Vec<const SymbolizedFrame *> &frames) {
  for (const SymbolizedFrame *f : frames)
    if (f->cls == FrameClass::kUser) return f;
  return frames.empty() ? nullptr : frames[0];
}

void resolve_section(FindingSection *s) {
  s->frames.clear();
  for (uintptr_t pc : s->pcs)
    for (const SymbolizedFrame *f = symbolize_pc(pc); f; f = f->inlined_next)
      if (f->cls != FrameClass::kRuntime) s->frames.push_back(f);
  s->user = pick_user_frame(s->frames);
}

const char *base_name(const Str &path) {
  const char *slash = strrchr(path.c_str(), '/');
  return slash ? slash + 1 : path.c_str();
}

void append_frame_text(Str *out, int index, const SymbolizedFrame *f) {
  *out << "#";
  out->append_u64(uint64_t(index)) << " ";
  *out << (f->function.empty() ? "<unknown>" : f->function.c_str());
  if (!f->file.empty() && f->line > 0) {
    *out << " " << base_name(f->file) << ":";
    out->append_u64(uint64_t(f->line));
  } else {
    *out << " (" << (f->module.empty() ? "?" : base_name(f->module)) << "+0x";
    out->append_hex(f->offset) << ")";
  }
}

void append_indent(Str *out, int n) {
  for (int i = 0; i < n; ++i) out->append_char(' ');
}

Str site_text(const SymbolizedFrame *f) {
  Str s;
  if (!f) return Str("<unknown>");
  if (!f->file.empty() && f->line > 0) {
    s << base_name(f->file) << ":";
    s.append_u64(uint64_t(f->line));
  } else {
    s << (f->module.empty() ? "?" : base_name(f->module)) << "+0x";
    s.append_hex(f->offset);
  }
  if (!f->function.empty()) s << " in " << f->function;
  return s;
}

INTERLOCK_COLD Str format_text(const Finding *f) {
  Str out, prefix;
  prefix << "==";
  prefix.append_u64(uint64_t(getpid())) << "== interlock: ";
  out << prefix << rule_headline(f->rule);
  if (!f->counts) out << " [note]";
  out << "\n";
  if (!f->detail.empty()) out << f->detail;
  else out << "  " << f->message << "\n";
  for (const FindingSection *s = f->sections; s; s = s->next) {
    append_indent(&out, s->indent);
    out << s->title << "\n";
    int frame_indent = s->indent == 2 ? 4 : s->indent;
    if (s->frames.empty()) {
      append_indent(&out, frame_indent);
      out << "<no stack>\n";
    }
    for (size_t i = 0; i < s->frames.size(); ++i) {
      append_indent(&out, frame_indent);
      append_frame_text(&out, int(i), s->frames[i]);
      out << "\n";
    }
  }
  out << prefix << "SUMMARY: " << rule_id(f->rule) << " " << site_text(f->sections ? f->sections->user : nullptr)
      << "\n";
  return out;
}

// Sorted basis lines + user functions, so the same bug in two runs (other
// pids, addresses, thread timing, edits that move lines) hashes the same.
uint64_t compute_fingerprint(const Finding *f) {
  Vec<uint64_t> parts;
  const char *cursor = f->fingerprint_basis.c_str();
  while (*cursor) {
    const char *end = strchr(cursor, '\n');
    size_t n = end ? size_t(end - cursor) : strlen(cursor);
    if (n) parts.push_back(fnv1a(cursor, n));
    cursor += n + (end ? 1 : 0);
  }
  for (const FindingSection *s = f->sections; s; s = s->next)
    if (s->user && !s->user->function.empty())
      parts.push_back(fnv1a(s->user->function.c_str(), s->user->function.size()) ^ 0x5bd1e995);
  for (size_t i = 1; i < parts.size(); ++i)
    for (size_t j = i; j > 0 && parts[j] < parts[j - 1]; --j) {
      uint64_t t = parts[j];
      parts[j] = parts[j - 1];
      parts[j - 1] = t;
    }
  const char *rule = rule_id(f->rule);
  uint64_t h = fnv1a(rule, strlen(rule));
  for (uint64_t p : parts) h = fnv1a(reinterpret_cast<const char *>(&p), sizeof(p), h);
  return h;
}

}  // namespace

const char *rule_id(Rule rule) { return kRules[int(rule)].id; }
const char *rule_headline(Rule rule) { return kRules[int(rule)].headline; }
const char *rule_short_description(Rule rule) { return kRules[int(rule)].short_description; }
const char *rule_help(Rule rule) { return kRules[int(rule)].help; }
const char *rule_default_level(Rule rule) { return kRules[int(rule)].level; }

Finding *finding_new(Rule rule) {
  auto *f = internal_new<Finding>();
  f->rule = rule;
  f->level = rule_default_level(rule);
  return f;
}

FindingSection *finding_add_section(Finding *f, const Str &title, const Str &message, int indent) {
  auto *s = internal_new<FindingSection>();
  s->title = title;
  s->message = message;
  s->indent = indent;
  if (f->last_section) f->last_section->next = s;
  else f->sections = s;
  f->last_section = s;
  return s;
}

void finding_free(Finding *f) {
  for (FindingSection *s = f->sections; s;) {
    FindingSection *next = s->next;
    internal_delete(s);
    s = next;
  }
  internal_delete(f);
}

void report_lock() {
  const void *me = &t_report_marker;
  if (g_report_owner.load(std::memory_order_acquire) == me) {
    ++g_report_depth;
    return;
  }
  g_report_lock.lock();
  g_report_owner.store(me, std::memory_order_release);
  g_report_depth = 1;
}

void report_unlock() {
  if (--g_report_depth == 0) {
    g_report_owner.store(nullptr, std::memory_order_release);
    g_report_lock.unlock();
  }
}

// Findings a fork()ed child inherited from its parent (already the parent's
// to report): the _exit path reports only the child's own.
size_t g_findings_at_fork = 0;
size_t g_counting_at_fork = 0;
// The process the findings belong to: a vfork()ed child (no fork handlers
// ran; it shares the parent's memory) has another pid and reports nothing.
pid_t g_findings_pid = 0;

void report_lock_reset_in_child() {
  g_findings_pid = getpid();
  g_findings_at_fork = g_findings.size();
  g_counting_at_fork = g_counting.load(std::memory_order_relaxed);
  g_report_owner.store(nullptr, std::memory_order_relaxed);
  g_report_depth = 0;
  g_report_lock.unlock();
}

Str thread_name(uint32_t tid) {
  Str s("T");
  s.append_u64(tid ? tid - 1 : 0);
  return s;
}

INTERLOCK_COLD LockName describe_lock(uintptr_t address, LockKind kind, uint64_t id, const ShortStack *first_site) {
  LockName name;
  report_lock();
  Str variable = symbolize_data(address);
  if (!variable.empty()) {
    name.short_name = variable;
    name.display << lock_kind_name(kind) << " `" << variable << "`";
    name.stable_id << "var:" << variable;
  } else {
    name.short_name << "M";
    name.short_name.append_u64(id);
    const SymbolizedFrame *user = nullptr;
    if (first_site && first_site->depth) {
      FindingSection probe;
      short_stack_to_vec(*first_site, &probe.pcs);
      resolve_section(&probe);
      user = probe.user;
    }
    name.display << lock_kind_name(kind) << " " << name.short_name;
    if (user && !user->file.empty() && user->line > 0) {
      name.display << " (first acquired at " << base_name(user->file) << ":";
      name.display.append_u64(uint64_t(user->line)) << ")";
      name.stable_id << "site:" << user->file << ":";
      name.stable_id.append_u64(uint64_t(user->line));
    } else if (user) {
      name.stable_id << "site:" << base_name(user->module) << "+0x";
      name.stable_id.append_hex(user->offset);
    } else {
      name.stable_id << "lock:" << name.short_name;
    }
  }
  report_unlock();
  return name;
}

INTERLOCK_COLD bool report_finding(Finding *f) {
  report_lock();
  for (FindingSection *s = f->sections; s; s = s->next) resolve_section(s);
  f->pid = int(getpid());
  f->fingerprint = compute_fingerprint(f);
  if (g_seen_fingerprints.contains(f->fingerprint) || is_suppressed(f)) {
    report_unlock();
    finding_free(f);
    return false;
  }
  g_seen_fingerprints.push_back(f->fingerprint);
  g_findings.push_back(f);
  if (!g_findings_pid) g_findings_pid = getpid();
  if (f->counts) g_counting.fetch_add(1, std::memory_order_relaxed);
  Str text = format_text(f);
  raw_write(2, text.c_str(), text.size());
  bool halt = options().halt_on_error && f->counts;
  if (halt && f->rule == Rule::kLockOrderInversion && t_defer_depth > 0) {  // see DeferInversionHalt
    t_halt_pending = true;
    halt = false;
  }
  // A real deadlock hangs the program next: write the SARIF file now so a
  // CI timeout still leaves the report behind.
  if (!halt && f->rule == Rule::kDeadlock && *options().sarif) write_sarif_file(false);
  report_unlock();
  if (halt) halt_process();
  return true;
}

__thread int t_defer_depth __attribute__((tls_model("initial-exec")));
__thread bool t_halt_pending __attribute__((tls_model("initial-exec")));

size_t finding_count() { return g_findings.size(); }
const Finding *finding_at(size_t index) { return g_findings[index]; }
const Vec<const char *> &degraded_notes() { return g_degraded; }
bool any_counting_finding() { return g_counting.load(std::memory_order_relaxed) > 0; }
size_t reported_count() { return g_findings.size(); }
bool any_finding_of_this_process() { return g_findings.size() > g_findings_at_fork && getpid() == g_findings_pid; }
bool any_counting_finding_of_this_process() {
  return g_counting.load(std::memory_order_relaxed) > g_counting_at_fork && getpid() == g_findings_pid;
}

INTERLOCK_COLD void note_degraded(const char *what) {
  report_lock();
  bool known = false;
  for (const char *d : g_degraded) known = known || !strcmp(d, what);
  if (!known) {
    g_degraded.push_back(what);
    Str text;
    text << "==";
    text.append_u64(uint64_t(getpid())) << "== interlock: note: " << what << "\n";
    raw_write(2, text.c_str(), text.size());
  }
  report_unlock();
}

// After a SIGABRT the program's own handler may return and the program go
// on (raise(SIGABRT) under a handler, SIG_IGN): the exit path then writes the
// SARIF file again when findings came after the one written from the signal.
namespace {
std::atomic<bool> g_finalized_by_signal{false};
size_t g_findings_written_by_signal = 0;

void rewrite_after_signal() {
  report_lock();
  if (*options().sarif && g_findings.size() != g_findings_written_by_signal) write_sarif_file(true);
  report_unlock();
  shutdown_symbolizer();
}
}  // namespace

bool reports_finalized() { return g_finalized.load(std::memory_order_acquire); }

void finalize_reports(bool from_signal) {
  if (g_finalized.exchange(true)) {
    if (!from_signal && g_finalized_by_signal.exchange(false)) rewrite_after_signal();
    return;
  }
  report_lock();
  if (from_signal) {
    g_findings_written_by_signal = g_findings.size();
    g_finalized_by_signal.store(true);
  }
  bool sarif_written = *options().sarif && write_sarif_file(true);
  if (options().verbosity >= 1 || any_counting_finding()) {
    Str text;
    text << "==";
    text.append_u64(uint64_t(getpid())) << "== interlock: ";
    text.append_u64(g_findings.size()) << " finding(s)";
    if (sarif_written) text << "; SARIF written to " << expand_path_pattern(options().sarif, getpid());
    else if (*options().sarif) text << "; SARIF file NOT written (see above)";
    if (options().verbosity >= 1) {
      text << "; runtime memory ";
      text.append_u64(internal_allocated_bytes() / 1024) << " KiB, ";
      text.append_u64(lock_state_count()) << " lock states";
    }
    text << "\n";
    raw_write(2, text.c_str(), text.size());
  }
  if (!from_signal) shutdown_symbolizer();
  report_unlock();
}

// No fflush: another thread may hold a stdio lock while it is blocked.
void halt_process() {
  finalize_reports(false);
  _exit(int(options().exitcode));
}

}  // namespace interlock
