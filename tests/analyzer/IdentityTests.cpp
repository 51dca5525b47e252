// Lock and location identity: parameters resolved at call sites, members of
// `this` captured by lambdas, arrays of mutexes, returned guards, unresolved
// locks, declared guards, jthread.
#include "AnalysisTestSupport.h"

using interlock::test::Snippet;

namespace {

TEST(Identity, LockPassedAsParameterIsResolvedAtTheCallSite) {
  EXPECT_MARKERS({{R"(
std::mutex m_one, m_two;
int first = 0, second = 0;
void bump(std::mutex& m, int& value) {
  std::lock_guard<std::mutex> g(m);
  value++;                // RACE (bump(m_two, first) pairs with bump(m_one, first))
}
void a() { bump(m_one, first); bump(m_one, second); }
void b() { bump(m_two, first); bump(m_one, second); }
int main() {
  std::thread t1(a), t2(b);
  t1.join(); t2.join();
}
)"}});
}

TEST(Identity, LambdaCapturingThisSharesTheObject) {
  EXPECT_MARKERS({{R"(
class Worker {
public:
  void start() {
    std::thread t([this] { ticks_++; });   // RACE
    ticks_++;                              // RACE
    t.join();
    ticks_--;                              // NORACE (after join)
  }
private:
  int ticks_ = 0;
};
int main() { Worker w; w.start(); }
)"}});
}

TEST(Identity, JthreadJoinsAtScopeExit) {
  EXPECT_MARKERS({{R"(
int result = 0;
int main() {
  {
    std::jthread t([] { result = 1; });    // NORACE
  }
  return result;                           // NORACE (the jthread joined)
}
)"}});
}

TEST(Identity, ArrayOfMutexesIsAbstractedByTheArray) {
  EXPECT_MARKERS({{R"(
std::mutex stripes[8];
int buckets[8];
void add(int i, int j) {
  std::lock_guard<std::mutex> a(stripes[i]);  // DEADLOCK
  std::lock_guard<std::mutex> b(stripes[j]);  // DEADLOCK (two elements, no order) NODOUBLELOCK
  buckets[i]++;                               // NORACE (stripes[*] held on both sides)
}
int main() {
  std::thread t1(add, 1, 2), t2(add, 2, 1);
  t1.join(); t2.join();
}
)"}});
}

TEST(Identity, ReturnedUniqueLockIsHeldByTheCaller) {
  EXPECT_MARKERS({{R"(
class Registry {
public:
  std::unique_lock<std::mutex> lock() { return std::unique_lock<std::mutex>(mu_); }
  void add(int v) {
    auto lk = lock();
    size_ += v;                            // NORACE
  }
  int size() {
    std::lock_guard<std::mutex> g(mu_);
    return size_;                          // NORACE
  }
private:
  std::mutex mu_;
  int size_ = 0;
};
)"}});
}

TEST(Identity, UnresolvedLockIsReportedNotDropped) {
  auto findings = interlock::test::analyzeSnippets({{R"(
std::mutex& pick(int i);
int total = 0;
void work(int i) {
  pick(i).lock();
  total++;
  pick(i).unlock();
}
int main() { std::thread a(work, 1), b(work, 2); a.join(); b.join(); }
)"}});
  auto unresolved = interlock::test::ofRule(findings, "unresolved-lock");
  ASSERT_EQ(unresolved.size(), 1u);
  EXPECT_NE(unresolved.front().message.find("pick(i)"), std::string::npos);
  EXPECT_EQ(unresolved.front().level, "note");
}

TEST(Identity, DeclaredGuardIsNamedInTheReport) {
  auto findings = interlock::test::analyzeSnippets({{R"(
class Meter {
public:
  void add() { std::lock_guard<std::mutex> g(mu_); hits_++; }
  void reset() { hits_ = 0; }
private:
  std::mutex mu_;
  int hits_ __attribute__((guarded_by(mu_))) = 0;
};
)"}});
  auto races = interlock::test::ofRule(findings, "data-race");
  ASSERT_EQ(races.size(), 2u);
  for (const auto &f : races)
    EXPECT_NE(f.message.find("GUARDED_BY(mu_)"), std::string::npos) << f.message;
}

TEST(Identity, StaticMembersAreGlobals) {
  EXPECT_MARKERS({{R"(
struct Stats {
  static int created;
  static const int kLimit = 3;
  void make() { created++; }                 // RACE
  int limit() const { return kLimit; }       // NORACE
};
int Stats::created = 0;
int main() {
  Stats a, b;
  std::thread t1(&Stats::make, &a), t2(&Stats::make, &b);
  std::thread t3(&Stats::limit, &a);
  t1.join(); t2.join(); t3.join();
}
)"}});
}

TEST(Identity, DoubleLockThroughThisInALibraryClass) {
  EXPECT_MARKERS({{R"(
class Cache {
public:
  void put(int v) {
    std::lock_guard<std::mutex> g(mu_);
    evict();
    value_ = v;
  }
  int get() { std::lock_guard<std::mutex> g(mu_); return value_; }
private:
  void evict() { std::lock_guard<std::mutex> g(mu_); value_ = 0; } // DOUBLELOCK
  std::mutex mu_;
  int value_ = 0;
};
)"}});
}

} // namespace

namespace {

TEST(Identity, ScopedCapabilityClassDeclaredOnlyByAttributes) {
  EXPECT_MARKERS({{R"(
class __attribute__((capability("mutex"))) Mu {
public:
  void Lock() __attribute__((acquire_capability()));
  void Unlock() __attribute__((release_capability()));
};
class __attribute__((scoped_lockable)) Hold {
public:
  explicit Hold(Mu& m) __attribute__((acquire_capability(m)));
  ~Hold() __attribute__((release_capability()));
};
Mu mu;
int guarded = 0;
int leaked = 0;
void a() {
  {
    Hold h(mu);
    guarded++;            // NORACE
  }
  leaked++;               // RACE (the scope ended)
}
int main() {
  std::thread t1(a), t2(a);
  t1.join(); t2.join();
}
)"}});
}

TEST(Identity, LambdaCalledInsideAThreadKeepsCallerLocks) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int main() {
  int hits = 0;
  int misses = 0;
  auto count = [&] { hits++; };            // NORACE (always called under mu)
  auto miss = [&] { misses++; };           // RACE
  std::thread t([&] {
    std::lock_guard<std::mutex> g(mu);
    count();
    miss();
  });
  {
    std::lock_guard<std::mutex> g(mu);
    count();
  }
  miss();
  t.join();
  return hits + misses;                    // NORACE
}
)"}});
}

TEST(Identity, SpinOnTryLockHoldsAfterTheLoop) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int value = 0;
void spin() {
  while (!mu.try_lock()) {
  }
  value++;                // NORACE
  mu.unlock();
}
int main() {
  std::thread a(spin), b(spin);
  a.join(); b.join();
}
)"}});
}

} // namespace
