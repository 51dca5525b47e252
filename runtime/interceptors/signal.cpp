// SIGABRT: the runtime writes its reports from its own SIGABRT handler, so
// abort() still leaves a complete SARIF file. A program that installs its own
// SIGABRT handler later (test frameworks, crash reporters) must neither
// remove ours nor see it: `signal`, `sigaction` (and glibc's `bsd_signal`,
// `sysv_signal`, `__sysv_signal`) are intercepted for SIGABRT only. The
// program's action is remembered ("virtual"), ours stays installed with the
// program's mask and flags, and after the reports are written ours chains to
// the program's action with the kernel's semantics:
//   handler (plain or SA_SIGINFO) -> called, with the program's sa_mask
//                                    (ours is installed with it);
//                                    SA_RESETHAND -> reset to SIG_DFL first
//   SIG_IGN                       -> nothing (abort() then kills anyway, as
//                                    it does without the runtime)
//   SIG_DFL                       -> the default action: SIG_DFL installed
//                                    for real and the signal re-raised
// Queries (`sigaction(SIGABRT, NULL, &old)`, the return value of `signal`)
// return the program's action, never ours. Every other signal passes
// straight through. (compiler-rt's sanitizer_common intercepts the same
// entry points, in sanitizer_signal_interceptors.inc.)
#include <atomic>
#include <cerrno>
#include <csignal>
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/internal_alloc.h"
#include "common/options.h"
#include "common/spin_lock.h"
#include "interceptors/hook.h"
#include "interceptors/next_symbol.h"
#include "interceptors/signal_chain.h"
#include "report/finding.h"

using namespace interlock;

namespace {

using SigactionFn = int (*)(int, const struct sigaction *, struct sigaction *);
using SignalFn = sighandler_t (*)(int, sighandler_t);

// glibc exports one version of each on x86-64 (GLIBC_2.2.5), so the next
// definition after ours is the right one.
SigactionFn real_sigaction() {
  static std::atomic<void *> slot{nullptr};
  SigactionFn fn = next_symbol<SigactionFn>(slot, "sigaction");
  return fn ? fn : reinterpret_cast<SigactionFn>(dlsym(RTLD_DEFAULT, "__sigaction"));
}

std::atomic<bool> g_abort_owned{false};  // our handler is installed: SIGABRT is virtualised
struct sigaction g_program_abort;        // the action the program believes is installed
SpinLock g_program_abort_lock;
void (*g_on_abort)();                     // writes the reports (async-signal-safe path)

void abort_handler(int signal_number, siginfo_t *info, void *context);

// Ours, with the program's mask and the flags that change how the handler
// runs (SA_NODEFER, SA_ONSTACK, SA_RESTART): then the program's handler runs
// under the mask and flags it asked for.
int install_ours(const struct sigaction &program) {
  struct sigaction ours {};
  ours.sa_sigaction = abort_handler;
  ours.sa_mask = program.sa_mask;
  ours.sa_flags = SA_SIGINFO | (program.sa_flags & (SA_NODEFER | SA_ONSTACK | SA_RESTART));
  return real_sigaction()(SIGABRT, &ours, nullptr);
}

// SIG_DFL for real, then the signal again: it is blocked while this handler
// runs (unless SA_NODEFER), so unblock it and let the default action happen.
void die_by_default_action(int signal_number) {
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  real_sigaction()(signal_number, &default_action, nullptr);
  raise(signal_number);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, signal_number);
  pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
}

void abort_handler(int signal_number, siginfo_t *info, void *context) {
  int saved_errno = errno;
  if (g_on_abort) g_on_abort();
  struct sigaction program = g_program_abort;  // racy copy: the handler must not lock
  if (program.sa_handler == SIG_IGN) {
    errno = saved_errno;
    return;
  }
  if (program.sa_handler == SIG_DFL) {
    die_by_default_action(signal_number);
    errno = saved_errno;
    return;
  }
  if (program.sa_flags & SA_RESETHAND) {  // one-shot: the kernel would have reset it on delivery
    g_program_abort.sa_handler = SIG_DFL;
    g_program_abort.sa_flags &= ~SA_SIGINFO;
  }
  errno = saved_errno;
  if (program.sa_flags & SA_SIGINFO) program.sa_sigaction(signal_number, info, context);
  else program.sa_handler(signal_number);
}

// The virtual sigaction for SIGABRT. SIGABRT is blocked meanwhile, so our
// handler never reads a half-written action in this thread.
int virtual_abort_action(const struct sigaction *action, struct sigaction *old_action) {
  sigset_t block, saved;
  sigemptyset(&block);
  sigaddset(&block, SIGABRT);
  pthread_sigmask(SIG_BLOCK, &block, &saved);
  int rc = 0;
  {
    SpinGuard guard(g_program_abort_lock);
    struct sigaction previous = g_program_abort;
    if (action) {
      rc = install_ours(*action);
      if (rc == 0) g_program_abort = *action;
    }
    if (rc == 0 && old_action) *old_action = previous;
  }
  int saved_errno = errno;
  pthread_sigmask(SIG_SETMASK, &saved, nullptr);
  errno = saved_errno;
  return rc;
}

// signal() and friends for SIGABRT, through the virtual sigaction.
sighandler_t virtual_signal(sighandler_t handler, int flags) {
  if (handler == SIG_ERR) {
    errno = EINVAL;
    return SIG_ERR;
  }
  struct sigaction action {}, old_action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = flags;
  if (virtual_abort_action(&action, &old_action) != 0) return SIG_ERR;
  return old_action.sa_handler;
}

bool abort_is_virtual(int signal_number) {
  return signal_number == SIGABRT && g_abort_owned.load(std::memory_order_acquire);
}

sighandler_t signal_entry(const char *name, std::atomic<void *> *cache, int signal_number, sighandler_t handler,
                          int flags) {
  if (abort_is_virtual(signal_number)) return virtual_signal(handler, flags);
  SignalFn real_fn = next_symbol<SignalFn>(*cache, name);
  if (!real_fn) {
    errno = ENOSYS;
    return SIG_ERR;
  }
  return real_fn(signal_number, handler);
}

}  // namespace

namespace interlock {

bool install_abort_chain(void (*write_reports)()) {
  if (!real_sigaction()) return false;
  g_on_abort = write_reports;
  struct sigaction previous {};
  if (real_sigaction()(SIGABRT, nullptr, &previous) != 0) return false;
  SpinGuard guard(g_program_abort_lock);
  g_program_abort = previous;
  if (install_ours(previous) != 0) return false;
  g_abort_owned.store(true, std::memory_order_release);
  return true;
}

}  // namespace interlock

INTERLOCK_EXPORT int sigaction(int signal_number, const struct sigaction *action, struct sigaction *old_action) {
  if (abort_is_virtual(signal_number)) return virtual_abort_action(action, old_action);
  SigactionFn real_fn = real_sigaction();
  if (!real_fn) {
    errno = ENOSYS;
    return -1;
  }
  return real_fn(signal_number, action, old_action);
}

// glibc's signal() has BSD semantics: the handler stays installed, and system
// calls restart.
INTERLOCK_EXPORT sighandler_t signal(int signal_number, sighandler_t handler) {
  static std::atomic<void *> cache{nullptr};
  return signal_entry("signal", &cache, signal_number, handler, SA_RESTART);
}

INTERLOCK_EXPORT sighandler_t bsd_signal(int signal_number, sighandler_t handler) {
  static std::atomic<void *> cache{nullptr};
  return signal_entry("bsd_signal", &cache, signal_number, handler, SA_RESTART);
}

// System V semantics (what signal() is with strict -D_XOPEN_SOURCE): one-shot,
// the signal not blocked in its handler.
INTERLOCK_EXPORT sighandler_t sysv_signal(int signal_number, sighandler_t handler) {
  static std::atomic<void *> cache{nullptr};
  return signal_entry("sysv_signal", &cache, signal_number, handler, SA_RESETHAND | SA_NODEFER);
}

INTERLOCK_EXPORT sighandler_t __sysv_signal(int signal_number, sighandler_t handler) {
  static std::atomic<void *> cache{nullptr};
  return signal_entry("__sysv_signal", &cache, signal_number, handler, SA_RESETHAND | SA_NODEFER);
}

// _exit / _Exit: the program leaves without atexit handlers (lld's fast exit,
// a fork()ed child, a crash reporter), so the runtime's exit hook never runs.
// ThreadSanitizer intercepts _exit for the same reason. A process that made
// findings of its own writes its reports here (the async-signal-safe path:
// _exit is called from signal handlers and after fork) and its status becomes
// `exitcode`; one with no finding of its own (a child that inherited its
// parent's) leaves exactly as before and writes no SARIF file. exit() ends
// in glibc's internal _exit, which does not come here. When the reports were
// written already (a program's SIGABRT handler that _exits with a status of
// its own after ours ran; the runtime's own exit path), the status is the
// program's.
namespace {
[[noreturn]] void leave(int status) {
  if (g_runtime_ready.load(std::memory_order_acquire) && !t_runtime_forking && !reports_finalized() &&
      any_finding_of_this_process()) {
    if (ThreadState *t = t_current_thread) ++t->in_runtime;
    finalize_reports(true);
    if (any_counting_finding_of_this_process() && options().exitcode != 0) status = int(options().exitcode);
  }
  for (;;) syscall(SYS_exit_group, status);
}
}  // namespace

INTERLOCK_EXPORT void _exit(int status) { leave(status); }
INTERLOCK_EXPORT void _Exit(int status) { leave(status); }
