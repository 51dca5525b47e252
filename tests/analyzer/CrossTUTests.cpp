// Lock wrappers and scoped-guard classes defined in other TUs, followed to a
// fixed point (completeCrossTUWrappers): chains spanning three TUs, guard
// classes whose constructor/destructor bodies are elsewhere, and the
// look-alikes that must not become acquire functions.
#include "AnalysisTestSupport.h"

#include <algorithm>

namespace {

using interlock::CrossTUFixedPoint;
using interlock::test::analyzeSnippets;
using interlock::test::checkMarkers;
using interlock::test::ofRule;
using interlock::test::Snippet;

// TU 0: the lowest level, a C wrapper around pthread.
const std::string kMutexWrappersTU = R"(
void mutex_lock_wrapper(pthread_mutex_t *m) { pthread_mutex_lock(m); }
void mutex_unlock_wrapper(pthread_mutex_t *m) { pthread_mutex_unlock(m); }
)";

// TU 1: module locks taken through TU 0's wrappers.
const std::string kModuleLocksTU = R"(
void mutex_lock_wrapper(pthread_mutex_t *m);
void mutex_unlock_wrapper(pthread_mutex_t *m);
pthread_mutex_t a_mu = PTHREAD_MUTEX_INITIALIZER;
pthread_mutex_t b_mu = PTHREAD_MUTEX_INITIALIZER;
void lock_a(void) { mutex_lock_wrapper(&a_mu); }
void unlock_a(void) { mutex_unlock_wrapper(&a_mu); }
void lock_b(void) { mutex_lock_wrapper(&b_mu); }
void unlock_b(void) { mutex_unlock_wrapper(&b_mu); }
/* Locks and unlocks: no net effect, not an acquire function. */
void touch_a(void) { mutex_lock_wrapper(&a_mu); mutex_unlock_wrapper(&a_mu); }
)";

const std::string kModuleDecls = R"(
void lock_a(void);
void unlock_a(void);
void lock_b(void);
void unlock_b(void);
void touch_a(void);
)";

TEST(CrossTU, ThreeLevelWrapperChainProtectsAndReachesTheFixedPoint) {
  std::vector<Snippet> tus = {{kMutexWrappersTU, "c"}, {kModuleLocksTU, "c"},
                              {kModuleDecls + R"(
int counter;
int unguarded;
void *worker(void *arg) {
  lock_a();
  counter++;              // NORACE -- a_mu through lock_a -> mutex_lock_wrapper
  unlock_a();
  unguarded++;            // RACE
  return NULL;
}
)" + std::string(interlock::test::kCWorkerTwiceMain),
                               "c"}};
  CrossTUFixedPoint passes;
  std::vector<interlock::Finding> findings = analyzeSnippets(tus, {}, &passes);
  EXPECT_EQ(checkMarkers(tus, findings), "");
  // Pass 1, then TU 1 (sees mutex_lock_wrapper), then TU 2 (sees lock_a).
  EXPECT_EQ(passes.passes, 3u);
  EXPECT_EQ(passes.reanalyzedTUs, 2u);
  EXPECT_FALSE(passes.boundReached);
}

TEST(CrossTU, ThreeLevelWrapperChainMakesTheCycleVisible) {
  std::vector<Snippet> tus = {{kMutexWrappersTU, "c"}, {kModuleLocksTU, "c"},
                              {kModuleDecls + R"(
void *forward(void *arg) {
  lock_a();               // DEADLOCK
  lock_b();               // DEADLOCK
  unlock_b();
  unlock_a();
  return NULL;
}
void *backward(void *arg) {
  lock_b();               // DEADLOCK
  lock_a();               // DEADLOCK
  unlock_a();
  unlock_b();
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, forward, NULL);
  pthread_create(&t2, NULL, backward, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
)",
                               "c"}};
  std::vector<interlock::Finding> cycles =
      ofRule(analyzeSnippets(tus), "lock-order-inversion");
  ASSERT_FALSE(cycles.empty());
  // Reported at the call sites in TU 2 (where each lock is taken through the
  // chain), and nowhere inside the wrappers.
  EXPECT_EQ(checkMarkers(tus, cycles), "");
  bool namesBoth = false;
  for (const interlock::Finding &f : cycles)
    namesBoth |= f.message.find("a_mu") != std::string::npos &&
                 f.message.find("b_mu") != std::string::npos;
  EXPECT_TRUE(namesBoth);
}

TEST(CrossTU, WithoutTheWrapperCallsNothingIsLockedAndTheRaceIsReported) {
  EXPECT_MARKERS({{kMutexWrappersTU, "c"}, {kModuleLocksTU, "c"}, {kModuleDecls + R"(
int counter;
void *worker(void *arg) {
  counter++;              // RACE
  return NULL;
}
void *other(void *arg) {
  counter--;              // RACE
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, other, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
)",
                                                                   "c"}});
}

TEST(CrossTU, WrapperThatLocksAndUnlocksIsNotAnAcquireFunction) {
  EXPECT_MARKERS({{kMutexWrappersTU, "c"}, {kModuleLocksTU, "c"}, {kModuleDecls + R"(
int counter;
void *worker(void *arg) {
  touch_a();
  counter++;              // RACE -- touch_a released a_mu again
  return NULL;
}
)" + std::string(interlock::test::kCWorkerTwiceMain),
                                                                   "c"}});
}

// A scoped-guard class declared in a header, its constructor and destructor
// defined in one TU (and taking the lock through a wrapper in a third).
const std::string kGuardHeader = R"(
void lock_it(std::mutex &m);
void unlock_it(std::mutex &m);
class Guard {
public:
  explicit Guard(std::mutex &m);
  ~Guard();
private:
  std::mutex &m_;
};
class DirectGuard {
public:
  explicit DirectGuard(std::mutex &m);
  ~DirectGuard();
private:
  std::mutex &m_;
};
)";

const std::string kLockItTU = R"(
void lock_it(std::mutex &m) { m.lock(); }
void unlock_it(std::mutex &m) { m.unlock(); }
)";

const std::string kGuardTU = kGuardHeader + R"(
Guard::Guard(std::mutex &m) : m_(m) { lock_it(m_); }
Guard::~Guard() { unlock_it(m_); }
DirectGuard::DirectGuard(std::mutex &m) : m_(m) { m_.lock(); }
DirectGuard::~DirectGuard() { m_.unlock(); }
)";

TEST(CrossTU, GuardClassDefinedInOtherTUsIsKnown) {
  EXPECT_MARKERS({{kLockItTU}, {kGuardTU}, {kGuardHeader + R"(
std::mutex mu;
int guarded = 0;
int direct = 0;
int afterScope = 0;
void worker() {
  {
    Guard g(mu);
    guarded++;            // NORACE -- Guard's constructor -> lock_it (two TUs away)
  }
  {
    DirectGuard d(mu);
    direct++;             // NORACE
  }
  afterScope++;           // RACE -- both guards are gone
}
int main() {
  std::thread t1(worker), t2(worker);
  t1.join(); t2.join();
}
)"}});
}

TEST(CrossTU, ClassWhoseConstructorLocksAndUnlocksIsNotAGuard) {
  const std::string header = R"(
class Touch {
public:
  explicit Touch(std::mutex &m);
  ~Touch();
private:
  std::mutex &m_;
};
)";
  EXPECT_MARKERS({{header + R"(
Touch::Touch(std::mutex &m) : m_(m) { m_.lock(); m_.unlock(); }
Touch::~Touch() {}
)"},
                  {header + R"(
std::mutex mu;
int counter = 0;
void worker() {
  Touch t(mu);
  counter++;              // RACE -- Touch holds nothing
}
int main() {
  std::thread t1(worker), t2(worker);
  t1.join(); t2.join();
}
)"}});
}

TEST(CrossTU, PassBoundIsReportedWithTheUnsettledWrappers) {
  // lock_a (TU 1) needs pass 2 and worker's TU needs pass 3: with a bound of
  // two passes the analysis stops early, says so, and names lock_a.
  std::vector<Snippet> tus = {{kMutexWrappersTU, "c"}, {kModuleLocksTU, "c"},
                              {kModuleDecls + R"(
int counter;
void *worker(void *arg) {
  lock_a();
  counter++;
  unlock_a();
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, NULL);
  pthread_create(&t2, NULL, worker, NULL);
  return 0;
}
)",
                               "c"}};
  CrossTUFixedPoint passes;
  std::vector<interlock::Finding> findings = analyzeSnippets(tus, {}, &passes, 2);
  EXPECT_TRUE(passes.boundReached);
  EXPECT_EQ(passes.passes, 2u);
  EXPECT_NE(std::find(passes.unsettledWrappers.begin(), passes.unsettledWrappers.end(), "lock_a"),
            passes.unsettledWrappers.end());
  // Incomplete, not wrong: the caller did not see lock_a's effect yet.
  EXPECT_FALSE(ofRule(findings, "data-race").empty());
}

} // namespace
