// Start-up and shut-down: options, exit / abort hooks, exit status.
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

#include "common/options.h"
#include "common/raw_output.h"
#include "core/detectors.h"
#include "core/events.h"
#include "report/finding.h"
#include "report/suppressions.h"
#include "interceptors/real_functions.h"
#include "interceptors/signal_chain.h"
#include "liveness/liveness.h"

namespace interlock {
namespace {

std::atomic<int> g_init_state{0};  // 0 no, 1 running, 2 done
__thread bool t_initializing __attribute__((tls_model("initial-exec")));

void on_process_exit() {
  ThreadState *t = current_thread();
  if (t) ++t->in_runtime;
  if (options().report_held_at_exit) report_held_at_process_exit();
  finalize_reports(false);
  if (any_counting_finding() && options().exitcode != 0) {
    fflush(nullptr);  // exit() would flush stdio after us; _exit does not
    _exit(int(options().exitcode));
  }
}

// From the SIGABRT handler (interceptors/signal.cpp), which then chains to
// the program's own SIGABRT action.
void write_reports_on_abort() { finalize_reports(true); }

// fork(): take every runtime spin lock (in their nesting order: report ->
// registry -> graph/cond -> stack depot -> threads -> allocator) so that the child never
// starts with one held by a thread that does not exist there.
void before_fork() {
  if (t_runtime_forking) return;
  report_lock();
  registry_fork_lock();
  detectors_fork_lock();
  stack_depot_fork_lock();  // after the graph lock: the graph stores edge sites in the depot
  threads_fork_lock();
  internal_alloc_fork_lock();
}

void after_fork_parent() {
  if (t_runtime_forking) return;
  internal_alloc_fork_unlock();
  threads_fork_unlock();
  stack_depot_fork_unlock();
  detectors_fork_unlock();
  registry_fork_unlock();
  report_unlock();
}

void after_fork_child() {
  if (t_runtime_forking) return;  // the symbolizer child: execs at once
  internal_alloc_fork_unlock();
  threads_fork_unlock();
  stack_depot_fork_unlock();
  detectors_fork_unlock();
  registry_fork_unlock();
  report_lock_reset_in_child();
  threads_after_fork_child(current_thread());
}

void fail_options(const Str &message) {
  Str text;
  text << message << "\n";
  raw_write(2, text.c_str(), text.size());
  _exit(2);
}

void initialize() {
  Str error;
  if (!parse_options(getenv("INTERLOCK_OPTIONS"), &mutable_options(), &error)) fail_options(error);
  if (options().help) {
    Str help = options_help();
    raw_write(2, help.c_str(), help.size());
  }
  if (options().stack_depth < 1 || options().stack_depth > 1024)
    fail_options(Str("interlock: bad value for option 'stack_depth' (expected 1..1024)"));
  if (options().lock_quarantine < 0)
    fail_options(Str("interlock: bad value for option 'lock_quarantine' (expected 0 or more)"));
  if (!load_suppressions(&error)) fail_options(error);
  install_thread_exit_hook(on_thread_exit);
  // Warm up: the first unwind loads libgcc_s' tables, the first code-range
  // scan walks the loaded modules; neither should happen first inside a hook.
  Vec<uintptr_t> warm;
  capture_full_stack(&warm, 4);
  refresh_code_ranges();
  lock_graph();
  atexit(on_process_exit);
  install_abort_chain(write_reports_on_abort);
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
  install_liveness_detectors();  // issue #4; after atexit(on_process_exit): its table prints first
  if (options().verbosity >= 1) {
    Str text;
    text << "==";
    text.append_u64(uint64_t(getpid())) << "== interlock: runtime active";
    if (*options().sarif) text << "; SARIF to " << expand_path_pattern(options().sarif, getpid());
    text << "\n";
    raw_write(2, text.c_str(), text.size());
  }
}

}  // namespace

std::atomic<bool> g_runtime_ready{false};

bool ensure_runtime_initialized() {
  if (__builtin_expect(g_init_state.load(std::memory_order_acquire) == 2, 1)) return true;
  if (t_initializing) return false;
  // The first hook may run before our constructor: the dynamic loader runs
  // the constructors of the program's libraries (libLLVM's static
  // initializers take locks) before those of a preloaded library. A ready
  // runtime must have the real functions: the fast path calls them directly.
  if (!ensure_real_functions()) return false;
  int expected = 0;
  if (g_init_state.compare_exchange_strong(expected, 1)) {
    t_initializing = true;
    ThreadState *t = current_thread();  // the main thread becomes T0
    if (t) ++t->in_runtime;
    initialize();
    if (t) --t->in_runtime;
    t_initializing = false;
    g_init_state.store(2, std::memory_order_release);
    g_runtime_ready.store(true, std::memory_order_release);
    return true;
  }
  while (g_init_state.load(std::memory_order_acquire) != 2) sched_yield();
  return true;
}

}  // namespace interlock

__attribute__((constructor(101))) static void interlock_constructor() {
  interlock::ensure_real_functions();
  interlock::ensure_runtime_initialized();
}
