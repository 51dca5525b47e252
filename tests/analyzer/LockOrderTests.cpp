// Lock-order cycles and double locks, with the filters that must suppress
// look-alikes: consistent order, gate lock, single thread, std::lock /
// scoped_lock, try_lock back-off, recursive mutexes.
#include "AnalysisTestSupport.h"

using interlock::test::Snippet;

namespace {

TEST(LockOrder, AbbaBetweenTwoThreads) {
  EXPECT_MARKERS({{R"(
std::mutex a, b;
void one() {
  std::lock_guard<std::mutex> x(a); // DEADLOCK
  std::lock_guard<std::mutex> y(b); // DEADLOCK
}
void two() {
  std::lock_guard<std::mutex> y(b); // DEADLOCK
  std::lock_guard<std::mutex> x(a); // DEADLOCK
}
int main() {
  std::thread t1(one), t2(two);
  t1.join(); t2.join();
}
)"}});
}

TEST(LockOrder, ConsistentOrderAndGateLockAreFine) {
  EXPECT_MARKERS({{R"(
std::mutex a, b, gate;
void one() {
  std::lock_guard<std::mutex> x(a); // NODEADLOCK
  std::lock_guard<std::mutex> y(b); // NODEADLOCK
}
void two() {
  std::lock_guard<std::mutex> x(a); // NODEADLOCK
  std::lock_guard<std::mutex> y(b); // NODEADLOCK
}
std::mutex c, d;
void three() {
  std::lock_guard<std::mutex> g(gate);
  std::lock_guard<std::mutex> x(c); // NODEADLOCK
  std::lock_guard<std::mutex> y(d); // NODEADLOCK
}
void four() {
  std::lock_guard<std::mutex> g(gate);
  std::lock_guard<std::mutex> y(d); // NODEADLOCK
  std::lock_guard<std::mutex> x(c); // NODEADLOCK
}
int main() {
  std::thread t1(one), t2(two), t3(three), t4(four);
  t1.join(); t2.join(); t3.join(); t4.join();
}
)"}});
}

TEST(LockOrder, SingleThreadCycleIsNotReported) {
  EXPECT_MARKERS({{R"(
std::mutex a, b;
int main() {
  { std::lock_guard<std::mutex> x(a); std::lock_guard<std::mutex> y(b); } // NODEADLOCK
  { std::lock_guard<std::mutex> y(b); std::lock_guard<std::mutex> x(a); } // NODEADLOCK
}
)"}});
}

TEST(LockOrder, SequentialThreadsDoNotOverlap) {
  EXPECT_MARKERS({{R"(
std::mutex a, b;
void one() { std::lock_guard<std::mutex> x(a); std::lock_guard<std::mutex> y(b); } // NODEADLOCK
void two() { std::lock_guard<std::mutex> y(b); std::lock_guard<std::mutex> x(a); } // NODEADLOCK
int main() {
  std::thread t1(one);
  t1.join();
  std::thread t2(two);
  t2.join();
}
)"}});
}

TEST(LockOrder, ScopedLockAndStdLockOrderBothWays) {
  EXPECT_MARKERS({{R"(
std::mutex a, b;
void one() { std::scoped_lock lk(a, b); }  // NODEADLOCK
void two() { std::scoped_lock lk(b, a); }  // NODEADLOCK
void three() {
  std::lock(b, a);                         // NODEADLOCK
  a.unlock(); b.unlock();
}
int main() {
  std::thread t1(one), t2(two), t3(three);
  t1.join(); t2.join(); t3.join();
}
)"}});
}

TEST(LockOrder, TryLockBackOffIsNotACycle) {
  EXPECT_MARKERS({{R"(
std::mutex a, b;
void one() {
  std::lock_guard<std::mutex> x(a);        // NODEADLOCK
  std::lock_guard<std::mutex> y(b);        // NODEADLOCK
}
void two() {
  while (true) {
    std::unique_lock<std::mutex> y(b);     // NODEADLOCK
    if (a.try_lock()) {                    // NODEADLOCK (backs off on failure)
      a.unlock();
      return;
    }
  }
}
int main() {
  std::thread t1(one), t2(two);
  t1.join(); t2.join();
}
)"}});
}

TEST(LockOrder, TransferBetweenTwoInstances) {
  EXPECT_MARKERS({{R"(
struct Account {
  std::mutex mu;
  int balance = 0;
};
void transfer(Account& from, Account& to, int amount) {
  std::lock_guard<std::mutex> f(from.mu);  // DEADLOCK
  std::lock_guard<std::mutex> t(to.mu);    // DEADLOCK
  from.balance -= amount;
  to.balance += amount;
}
void safe_transfer(Account& from, Account& to, int amount) {
  std::scoped_lock lk(from.mu, to.mu);     // NODEADLOCK
  from.balance -= amount;
  to.balance += amount;
}
Account x, y;
int main() {
  std::thread t1(transfer, std::ref(x), std::ref(y), 1);
  std::thread t2(transfer, std::ref(y), std::ref(x), 2);
  std::thread t3(safe_transfer, std::ref(x), std::ref(y), 1);
  std::thread t4(safe_transfer, std::ref(y), std::ref(x), 1);
  t1.join(); t2.join(); t3.join(); t4.join();
}
)"}});
}

TEST(LockOrder, TransferInALibraryClass) {
  EXPECT_MARKERS({{R"(
class Account {
public:
  void transfer_to(Account& to, int amount) {
    std::lock_guard<std::mutex> f(mu_);    // DEADLOCK
    std::lock_guard<std::mutex> t(to.mu_); // DEADLOCK
    balance_ -= amount;
    to.balance_ += amount;
  }
private:
  std::mutex mu_;
  int balance_ = 0;
};
)"}});
}

TEST(LockOrder, ThreeLockRingAcrossCalls) {
  EXPECT_MARKERS({{R"(
std::mutex m1, m2, m3;
void take2() { std::lock_guard<std::mutex> g(m2); }     // DEADLOCK
void t1() { std::lock_guard<std::mutex> g(m1); take2(); } // DEADLOCK
void t2() {
  std::lock_guard<std::mutex> g(m2);  // DEADLOCK
  std::lock_guard<std::mutex> h(m3);  // DEADLOCK
}
void t3() {
  std::lock_guard<std::mutex> g(m3);  // DEADLOCK
  std::lock_guard<std::mutex> h(m1);  // DEADLOCK
}
int main() {
  std::thread a(t1), b(t2), c(t3);
  a.join(); b.join(); c.join();
}
)"}});
}

TEST(LockOrder, AbbaAcrossTwoFiles) {
  EXPECT_MARKERS({{R"(
extern std::mutex lock_b;
void take_b();
std::mutex lock_a;
void forward() {
  std::lock_guard<std::mutex> g(lock_a);   // DEADLOCK
  take_b();
}
void backward();
int main() {
  std::thread t1(forward), t2(backward);
  t1.join(); t2.join();
}
)"},
                  {R"(
extern std::mutex lock_a;
std::mutex lock_b;
void take_b() { std::lock_guard<std::mutex> g(lock_b); } // DEADLOCK
void backward() {
  std::lock_guard<std::mutex> g(lock_b);   // DEADLOCK
  std::lock_guard<std::mutex> h(lock_a);   // DEADLOCK
}
)"}});
}

TEST(DoubleLock, DirectAndThroughACall) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
std::recursive_mutex rmu;
void helper() {
  std::lock_guard<std::mutex> g(mu);       // DOUBLELOCK (callers already hold mu)
}
void direct() {
  mu.lock();
  mu.lock();                               // DOUBLELOCK
  mu.unlock();
}
void via_call() {
  std::lock_guard<std::mutex> g(mu);
  helper();
}
void recursive_ok() {
  std::lock_guard<std::recursive_mutex> a(rmu);
  std::lock_guard<std::recursive_mutex> b(rmu); // NODOUBLELOCK
}
void relock_ok() {
  mu.lock();
  mu.unlock();
  mu.lock();                               // NODOUBLELOCK
  mu.unlock();
}
int main() {
  direct(); via_call(); recursive_ok(); relock_ok();
}
)"}});
}

TEST(LockOrder, FindingsCarryNotesAndStableKeys) {
  auto findings = interlock::test::analyzeSnippets({{R"(
std::mutex a, b;
void one() { std::lock_guard<std::mutex> x(a); std::lock_guard<std::mutex> y(b); }
void two() { std::lock_guard<std::mutex> y(b); std::lock_guard<std::mutex> x(a); }
int main() { std::thread t1(one), t2(two); t1.join(); t2.join(); }
)"}});
  auto cycle = interlock::test::ofRule(findings, "lock-order-inversion");
  ASSERT_EQ(cycle.size(), 4u); // every acquisition site of the cycle
  for (const auto &f : cycle) {
    EXPECT_EQ(f.groupId, cycle.front().groupId);
    EXPECT_GE(f.notes.size(), 4u); // both edges: acquisition and where the held lock was taken
    EXPECT_EQ(f.fingerprintKey.find(std::to_string(f.site.line)), std::string::npos);
  }
}

} // namespace

namespace {

TEST(DoubleLock, CalleeThatDropsAndRetakesTheCallersLock) {
  EXPECT_MARKERS({{R"(
pthread_mutex_t crawler_lock = PTHREAD_MUTEX_INITIALIZER;
int crawled = 0;
int sleeping = 0;
void crawl_step() {
  pthread_mutex_unlock(&crawler_lock);
  sleeping++;                                  // RACE (the caller's lock was dropped)
  pthread_mutex_lock(&crawler_lock);           // NODOUBLELOCK
  crawled++;                                   // NORACE
}
void* crawler(void*) {
  pthread_mutex_lock(&crawler_lock);
  crawl_step();
  pthread_mutex_unlock(&crawler_lock);
  return nullptr;
}
int main() {
  pthread_t a, b;
  pthread_create(&a, nullptr, crawler, nullptr);
  pthread_create(&b, nullptr, crawler, nullptr);
  pthread_join(a, nullptr);
  pthread_join(b, nullptr);
}
)"}});
}

} // namespace
