// A finding as the detectors build it, before symbolization: a rule, a
// message, and sections, each one stack with a heading. The report layer
// symbolizes the sections, applies suppressions, deduplicates by
// fingerprint, prints the text block, keeps it for SARIF, and halts when
// halt_on_error=1.
#pragma once
#include <cstdint>

#include "common/containers.h"
#include "core/lock_registry.h"
#include "core/stack.h"
#include "report/symbolizer.h"

namespace interlock {

enum class Rule : int {
  kLockOrderInversion,
  kDeadlock,
  kDoubleLock,
  kBadUnlock,
  kDestroyLocked,
  kCondWaitUnheld,
  kCondMutexMismatch,
  kLockHeldAtExit,
  kInvalidMutex,
  kLivelock,
  kStarvation,
  kHang,
  kCount
};

const char *rule_id(Rule rule);
const char *rule_headline(Rule rule);   // "lock-order-inversion (potential deadlock)"
const char *rule_short_description(Rule rule);
const char *rule_help(Rule rule);
const char *rule_default_level(Rule rule);  // "error" / "warning"

struct FindingSection {
  Str title;              // text heading, e.g. "Edge 1: thread T1 acquired `b` while holding `a`"
  Str message;            // SARIF location message
  Vec<uintptr_t> pcs;     // return addresses, innermost first
  int indent = 2;
  FindingSection *next = nullptr;
  // Filled by the report layer.
  Vec<const SymbolizedFrame *> frames;    // every frame outside libinterlock, innermost first
  const SymbolizedFrame *user = nullptr;  // innermost user frame (or innermost frame)
};

struct Finding {
  Rule rule = Rule::kCount;
  const char *level = "warning";
  Str message;            // one line: SARIF message.text, text report first line
  Str detail;             // extra text lines after the headline (each ends in \n)
  Str fingerprint_basis;  // lock stable ids etc. (function names are added)
  bool counts = true;     // false: a note that never changes the exit code
  FindingSection *sections = nullptr;
  FindingSection *last_section = nullptr;
  // Filled by the report layer.
  uint64_t fingerprint = 0;
  int pid = 0;
};

// Reported findings, in order (for the SARIF writer and tests).
size_t finding_count();
const Finding *finding_at(size_t index);
const Vec<const char *> &degraded_notes();

Finding *finding_new(Rule rule);
FindingSection *finding_add_section(Finding *finding, const Str &title, const Str &message, int indent = 2);
void finding_free(Finding *finding);

// Symbolizes, filters, prints, stores; takes ownership. Returns true when
// reported (not suppressed, not a duplicate). With halt_on_error=1 a
// counting finding ends the process here.
bool report_finding(Finding *finding);

[[noreturn]] void halt_process();            // finalize then _exit(exitcode)

// While a DeferInversionHalt lives on a thread, halt_on_error does not end
// the process at a lock-order-inversion at once but when the scope ends: the
// acquisition that closed the cycle may be about to block in a real
// deadlock, which is then reported too (by this or the other thread).
extern __thread int t_defer_depth __attribute__((tls_model("initial-exec")));
extern __thread bool t_halt_pending __attribute__((tls_model("initial-exec")));
class DeferInversionHalt {
 public:
  DeferInversionHalt() { ++t_defer_depth; }
  ~DeferInversionHalt() {
    if (--t_defer_depth == 0 && __builtin_expect(t_halt_pending, 0)) halt_process();
  }
};

// Lock naming for messages and stable ids ("var:NAME" / "site:FILE:LINE").
struct LockName {
  Str display;     // "mutex `lock_a`" or "mutex M3 (first acquired at abba.c:13)"
  Str short_name;  // "lock_a" or "M3"
  Str stable_id;
};
LockName describe_lock(uintptr_t address, LockKind kind, uint64_t id, const ShortStack *first_site);

// "T1" for tid 2 (the main thread, tid 1, is T0).
Str thread_name(uint32_t tid);

// Serialises report building; detectors hold it while describing locks.
void report_lock();
void report_unlock();
// fork(): in the child the lock may still name the parent's reporting thread.
void report_lock_reset_in_child();

// Exit paths.
void finalize_reports(bool from_signal);     // SARIF written, summary printed
[[noreturn]] void halt_process();            // finalize then _exit(exitcode)
bool any_counting_finding();
size_t reported_count();
// Not counting the findings a fork()ed child inherited from its parent.
bool any_finding_of_this_process();
bool any_counting_finding_of_this_process();
// The reports were written already (exit hook, SIGABRT, halt_on_error).
bool reports_finalized();
void note_degraded(const char *what);        // said once, listed in SARIF

}  // namespace interlock
