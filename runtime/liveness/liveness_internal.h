// Shared state of the liveness detectors: the per-thread record (what the
// thread waits for, its current run of failed acquisitions, its profile
// holds), and a frame-pointer stack walk deep enough to get past the
// runtime's own frames.
#pragma once
#include <atomic>
#include <cstdint>

#include "common/clock.h"
#include "common/containers.h"
#include "core/events.h"
#include "liveness/liveness.h"

namespace interlock {

// Return addresses, innermost first. Walked through frame pointers (the
// runtime keeps them; the first user frame is always right, deeper user
// frames only where the program keeps frame pointers). The report layer
// drops the runtime's frames.
constexpr int kDeepStackDepth = 24;
struct DeepStack {
  uintptr_t pc[kDeepStackDepth];
  uint8_t depth;
};
void capture_deep_stack(DeepStack *out, void *frame, uintptr_t stack_lo, uintptr_t stack_hi);
Vec<uintptr_t> deep_stack_pcs(const DeepStack &stack);

// One wait, as a consistent snapshot (see LiveThread::wait_seq).
struct WaitSnapshot {
  WaitKind kind;
  const void *object;     // the lock, condition variable, semaphore or barrier
  LockState *lock;        // lock waits only
  uint64_t lock_id;
  uint32_t target_tid;    // joins
  uint64_t since_ns;
  DeepStack stack;
};

struct HoldMark {
  LockState *lock;
  uint64_t since_ns;
};

struct LiveThread {
  std::atomic<ThreadState *> state{nullptr};
  std::atomic<uint32_t> tid{0};
  const void *owner_key = nullptr;     // address of a __thread of the owning OS thread
  unsigned long pthread_id = 0;        // pthread_self(), for joins

  // Current wait, written only by the thread under a sequence lock: odd
  // while writing; every new wait (and every end) moves it on, so an equal
  // even value read twice means "the same wait, still going".
  std::atomic<uint32_t> wait_seq{0};
  WaitSnapshot wait{};

  // Livelock: the current run ("streak") of failed try / timed acquisitions.
  std::atomic<LockState *> streak_lock{nullptr};   // lock being failed on (watched)
  std::atomic<uint64_t> streak_lock_id{0};
  std::atomic<uint64_t> streak_failures{0};        // failed attempts (try and timed)
  std::atomic<uint64_t> streak_timeouts{0};        // of which timed out
  std::atomic<uint64_t> streak_since_ns{0};
  std::atomic<uint32_t> streak_holder{0};          // holder at the last failure that saw one
  std::atomic<bool> streak_reported{false};
  uint64_t streak_next_check = 0;
  DeepStack streak_site{};                         // first failed attempt of the streak
  bool uses_progress = false;                      // called interlock_progress() at least once

  // Profile: start of the current contended wait, and the locks held.
  uint64_t contended_since_ns = 0;
  Vec<HoldMark> holds;

  std::atomic<LiveThread *> next{nullptr};
};

// The calling thread's record (created on first use; never null).
LiveThread *record_of(ThreadState *t);
// Every record ever made (reused after their threads end), newest first.
LiveThread *first_record();
// Whether the record's thread is still alive; its tid.
bool record_alive(LiveThread *r);
// The live record of thread `tid`, or null.
LiveThread *record_by_tid(uint32_t tid);
bool read_wait(LiveThread *r, WaitSnapshot *out, uint32_t *seq);

// The monitor thread (starvation, hang): started at the first wait when
// either is enabled.
void ensure_monitor_started();

// Detector entry points, called by the observers in liveness.cpp.
void livelock_on_failure(ThreadState *t, LockState *lock, unsigned flags, int error);
void livelock_on_acquired(LiveThread *r, LockState *lock);
void livelock_on_progress(ThreadState *t);
void livelock_end_streak(LiveThread *r);

void starvation_on_acquired(ThreadState *t, LockState *lock, unsigned flags, const CallSite &site);
void starvation_tick(uint64_t now);
extern std::atomic<int> g_starvation_watch_count;

void hang_tick(uint64_t now);

void profile_on_acquired(LiveThread *r, LockState *lock, uint64_t now);
void profile_on_released(LiveThread *r, LockState *lock, uint64_t now);
void profile_on_contended_acquired(LockState *lock, uint64_t wait_ns);
void print_profile_table();

// fork(): the child has only the forking thread, so a liveness spin lock held
// by any other thread at that moment would stay held for ever. These release
// them in the child (the bookkeeping they guard is advisory; a torn update
// costs at most a wrong count, never a hang).
void profile_release_locks_in_child();
void starvation_release_locks_in_child();

// Text helpers shared by the reports.
Str liveness_duration(uint64_t ns);            // "1.25 s", "340 ms"
Str liveness_lock_name(const LockState *lock);   // "`m`" or "`M3`"
const char *wait_kind_name(WaitKind kind);

}  // namespace interlock
