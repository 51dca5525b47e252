// Unit tests of the issue #4 detectors through the event interface
// (core/events.h), with real threads: what the interceptors would call.
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <string>
#include <thread>

#include "common/options.h"
#include "core/events.h"
#include "liveness/liveness.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"

namespace interlock {
namespace {

// The observers can be registered once per process.
void install_once() {
  static bool installed = [] {
    mutable_options().symbolize = false;  // no symbolizer child in unit tests
    install_liveness_detectors();
    return true;
  }();
  (void)installed;
}

size_t findings_of(Rule rule) {
  size_t n = 0;
  for (size_t i = 0; i < finding_count(); ++i)
    if (finding_at(i)->rule == rule) ++n;
  return n;
}

// A two-party barrier (C++17 has none).
class Lockstep {
 public:
  void arrive_and_wait() {
    int generation = generation_.load();
    if (arrived_.fetch_add(1) + 1 == 2) {
      arrived_.store(0);
      generation_.fetch_add(1);
      return;
    }
    while (generation_.load() == generation) std::this_thread::yield();
  }

 private:
  std::atomic<int> arrived_{0};
  std::atomic<int> generation_{0};
};

CallSite here() { return CallSite{__builtin_frame_address(0), __builtin_return_address(0)}; }

// One polite thread: holds `mine`, fails to try-lock `other` `rounds` times;
// when `succeed_every` > 0, every that many rounds it acquires `other`
// (the other thread keeps off it that round).
void polite(LockState *mine, LockState *other, Lockstep *step, int rounds, bool call_progress) {
  ThreadState *t = current_thread();
  for (int i = 0; i < rounds; ++i) {
    on_acquired(t, mine, 0, here(), false);
    step->arrive_and_wait();  // both hold
    on_acquire_failed(t, other, kAcquireTry, EBUSY, false);
    if (call_progress && i % 10 == 9) notify_progress(t);
    step->arrive_and_wait();  // both tried
    on_before_release(t, mine, false, here());
    on_released(t, mine, false);
    step->arrive_and_wait();  // both released
  }
}

struct LivelockThresholds {
  LivelockThresholds() {
    install_once();
    saved_failures = options().livelock_failures;
    saved_ms = options().livelock_ms;
    mutable_options().livelock_failures = 50;
    mutable_options().livelock_ms = 0;
  }
  ~LivelockThresholds() {
    mutable_options().livelock_failures = saved_failures;
    mutable_options().livelock_ms = saved_ms;
  }
  long saved_failures, saved_ms;
};

TEST(Livelock, TwoPoliteThreadsInLockstepAreReported) {
  LivelockThresholds thresholds;
  static char a_memory, b_memory;
  LockState *a = lookup_plain(&a_memory, LockKind::kMutex);
  LockState *b = lookup_plain(&b_memory, LockKind::kMutex);
  size_t before = findings_of(Rule::kLivelock);
  Lockstep step;
  std::thread one(polite, a, b, &step, 120, false);
  std::thread two(polite, b, a, &step, 120, false);
  one.join();
  two.join();
  EXPECT_EQ(findings_of(Rule::kLivelock), before + 1);
  const Finding *f = finding_at(finding_count() - 1);
  ASSERT_EQ(f->rule, Rule::kLivelock);
  std::string message = f->message.c_str();
  EXPECT_NE(message.find("Livelock: threads"), std::string::npos) << message;
  EXPECT_NE(message.find("failed"), std::string::npos) << message;
}

TEST(Livelock, BelowTheFailureThresholdIsSilent) {
  LivelockThresholds thresholds;
  static char a_memory, b_memory;
  LockState *a = lookup_plain(&a_memory, LockKind::kMutex);
  LockState *b = lookup_plain(&b_memory, LockKind::kMutex);
  size_t before = findings_of(Rule::kLivelock);
  Lockstep step;
  std::thread one(polite, a, b, &step, 30, false);  // 30 < livelock_failures (50)
  std::thread two(polite, b, a, &step, 30, false);
  one.join();
  two.join();
  EXPECT_EQ(findings_of(Rule::kLivelock), before);
}

TEST(Livelock, ProgressMarksEndTheStreaks) {
  LivelockThresholds thresholds;
  static char a_memory, b_memory;
  LockState *a = lookup_plain(&a_memory, LockKind::kMutex);
  LockState *b = lookup_plain(&b_memory, LockKind::kMutex);
  size_t before = findings_of(Rule::kLivelock);
  Lockstep step;
  std::thread one(polite, a, b, &step, 200, true);  // progress every 10 failures
  std::thread two(polite, b, a, &step, 200, true);
  one.join();
  two.join();
  EXPECT_EQ(findings_of(Rule::kLivelock), before);
}

// Fails on `other` held by the peer, then acquires it: the streak ends.
void backs_off_and_succeeds(LockState *mine, LockState *other, Lockstep *step, int rounds, bool first) {
  ThreadState *t = current_thread();
  for (int i = 0; i < rounds; ++i) {
    on_acquired(t, mine, 0, here(), false);
    step->arrive_and_wait();
    on_acquire_failed(t, other, kAcquireTry, EBUSY, false);
    step->arrive_and_wait();
    on_before_release(t, mine, false, here());
    step->arrive_and_wait();
    if ((i % 20 == 19) == first) {  // this round's winner takes both
      on_acquired(t, other, kAcquireTry, here(), false);
      on_before_release(t, other, false, here());
    }
    step->arrive_and_wait();
  }
  on_acquired(t, other, kAcquireTry, here(), false);  // both end by getting their lock
  on_before_release(t, other, false, here());
}

TEST(Livelock, AStreakEndsWhenTheLockIsAcquired) {
  LivelockThresholds thresholds;
  static char a_memory, b_memory;
  LockState *a = lookup_plain(&a_memory, LockKind::kMutex);
  LockState *b = lookup_plain(&b_memory, LockKind::kMutex);
  size_t before = findings_of(Rule::kLivelock);
  Lockstep step;
  // `one` gets its second lock every 20th round, `two` in all the others:
  // no streak ever reaches 50 failures.
  std::thread one(backs_off_and_succeeds, a, b, &step, 200, true);
  std::thread two(backs_off_and_succeeds, b, a, &step, 200, false);
  one.join();
  two.join();
  EXPECT_EQ(findings_of(Rule::kLivelock), before);
  EXPECT_EQ(a->liveness_watch.load(), 0u) << "a streak that ended must stop watching its lock";
  EXPECT_EQ(b->liveness_watch.load(), 0u);
}

// An application that reports its own progress: it does get the lock it
// retries now and then, but never calls interlock_progress() again, so
// its retrying counts as one long streak.
void retries_without_progress(LockState *mine, LockState *other, Lockstep *step, int rounds) {
  ThreadState *t = current_thread();
  notify_progress(t);  // opts in: from now on only progress marks end a streak
  for (int i = 0; i < rounds; ++i) {
    on_acquired(t, mine, 0, here(), false);
    step->arrive_and_wait();
    on_acquire_failed(t, other, kAcquireTry, EBUSY, false);
    step->arrive_and_wait();
    on_before_release(t, mine, false, here());
    step->arrive_and_wait();
    if (i % 2 == 0 && t->tid % 2 == 0) {  // one of them gets `other` every other round, then aborts
      on_acquired(t, other, kAcquireTry, here(), false);
      on_before_release(t, other, false, here());
    }
    step->arrive_and_wait();
  }
}

TEST(Livelock, WithProgressMarksAcquiringIsNotProgress) {
  LivelockThresholds thresholds;
  static char a_memory, b_memory;
  LockState *a = lookup_plain(&a_memory, LockKind::kMutex);
  LockState *b = lookup_plain(&b_memory, LockKind::kMutex);
  size_t before = findings_of(Rule::kLivelock);
  Lockstep step;
  std::thread one(retries_without_progress, a, b, &step, 120);
  std::thread two(retries_without_progress, b, a, &step, 120);
  one.join();
  two.join();
  EXPECT_EQ(findings_of(Rule::kLivelock), before + 1);
}

TEST(LivenessText, DurationsReadNaturally) {
  EXPECT_STREQ(liveness_duration(1250000000ull).c_str(), "1.25 s");
  EXPECT_STREQ(liveness_duration(2000000000ull).c_str(), "2.00 s");
  EXPECT_STREQ(liveness_duration(340000000ull).c_str(), "340 ms");
  EXPECT_STREQ(liveness_duration(42000ull).c_str(), "42 us");
}

TEST(ContentionProfile, SarifPropertiesOnlyWithProfile) {
  install_once();
  Str off;
  append_liveness_run_properties(&off);
  EXPECT_TRUE(off.empty()) << off.c_str();
  mutable_options().profile = true;
  static char lock_memory;
  LockState *lock = lookup_plain(&lock_memory, LockKind::kMutex);
  ThreadState *t = current_thread();
  LiveThread *r = record_of(t);
  profile_on_acquired(r, lock, 1000);
  profile_on_released(r, lock, 5000);
  profile_on_contended_acquired(lock, 700);
  Str on;
  append_liveness_run_properties(&on);
  mutable_options().profile = false;
  std::string json = on.c_str();
  EXPECT_EQ(json.rfind(",\"contentionProfile\":[", 0), 0u) << json;
  EXPECT_NE(json.find("\"acquisitions\":1,\"contended\":1,\"waitTotalNs\":700,\"waitMaxNs\":700,\"holdMaxNs\":4000"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace interlock
