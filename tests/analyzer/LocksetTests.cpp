// Lock semantics along the CFG: every idiom protects (negative) and a
// look-alike that does not protect (positive). Each snippet runs two threads
// over the same global so that only the lockset decides.
#include "AnalysisTestSupport.h"

using interlock::test::Snippet;

namespace {

TEST(Lockset, LockGuardProtectsAndUnguardedWriteRaces) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int guarded = 0;
int unguarded = 0;
void worker() {
  std::lock_guard<std::mutex> lock(mu);
  guarded++;              // NORACE
  unguarded++;            // RACE (pairs with the unlocked write below)
}
void other() {
  { std::lock_guard<std::mutex> lock(mu); guarded = 3; } // NORACE
  unguarded = 4;          // RACE (the guard ended with its scope)
}
void reader() { int x = unguarded; (void)x; } // RACE
int main() {
  std::thread a(worker), b(other), c(reader);
  a.join(); b.join(); c.join();
}
)"}});
}

TEST(Lockset, ExplicitLockUnlockAndEarlyReturn) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int value = 0;
int other = 0;
void update(bool early) {
  mu.lock();
  if (early) {
    mu.unlock();
    value = 1;            // RACE
    return;
  }
  other = 2;              // NORACE
  mu.unlock();
}
void more() {
  std::lock_guard<std::mutex> g(mu);
  if (other > 3) return;  // NORACE
  value = 5;              // RACE (the other side does not hold mu)
  other = 5;              // NORACE
}
int main() {
  std::thread a(update, true), b(more);
  a.join(); b.join();
}
)"}});
}

TEST(Lockset, UniqueLockDeferAdoptUnlockRelock) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int racy = 0;
int safe = 0;
void deferred() {
  std::unique_lock<std::mutex> lk(mu, std::defer_lock);
  racy = 1;               // RACE (not locked yet)
  lk.lock();
  safe = 2;               // NORACE
  lk.unlock();
  racy = 3;               // RACE
  lk.lock();
  safe = 4;               // NORACE
}
void adopted() {
  mu.lock();
  std::unique_lock<std::mutex> lk(mu, std::adopt_lock);
  safe = 5;               // NORACE
}
void moved() {
  std::unique_lock<std::mutex> lk(mu);
  std::unique_lock<std::mutex> other(std::move(lk));
  safe = 6;               // NORACE (ownership moved, still held)
}
void released() {
  std::unique_lock<std::mutex> lk(mu);
  lk.release();
  safe = 7;               // NORACE (released from the guard, still locked)
  mu.unlock();
}
int main() {
  std::thread a(deferred), b(adopted), c(moved), d(deferred), e(released);
  a.join(); b.join(); c.join(); d.join(); e.join();
}
)"}});
}

TEST(Lockset, TryLockOnlySuccessBranchHolds) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
pthread_mutex_t pm = PTHREAD_MUTEX_INITIALIZER;
int a = 0, b = 0, racy = 0;
void std_try() {
  if (mu.try_lock()) {
    a = 1;                // NORACE
    mu.unlock();
  } else {
    racy = 2;             // RACE (the lock is not held here)
  }
}
void pthread_try() {
  if (pthread_mutex_trylock(&pm) == 0) {
    b = 1;                // NORACE
    pthread_mutex_unlock(&pm);
  }
  if (!pthread_mutex_trylock(&pm)) {
    b = 2;                // NORACE
    pthread_mutex_unlock(&pm);
  }
  int rc = pthread_mutex_trylock(&pm);
  if (rc != 0) {
    racy = 3;             // RACE
    return;
  }
  b = 4;                  // NORACE
  pthread_mutex_unlock(&pm);
}
void guard_try() {
  std::unique_lock<std::mutex> lk(mu, std::try_to_lock);
  if (lk.owns_lock())
    a = 3;                // NORACE
  std::unique_lock<std::mutex> lk2(mu, std::defer_lock);
  if (lk2.try_lock())
    a = 4;                // NORACE
  if (!lk2)
    racy = 4;             // RACE
}
void plain() {
  std::lock_guard<std::mutex> g(mu);
  a = 5;                  // NORACE
  pthread_mutex_lock(&pm);
  b = 5;                  // NORACE
  pthread_mutex_unlock(&pm);
}
int main() {
  std::thread t1(std_try), t2(pthread_try), t3(guard_try), t4(plain);
  t1.join(); t2.join(); t3.join(); t4.join();
}
)"}});
}

TEST(Lockset, LoopsKeepMustHoldSemantics) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int total = 0;
int partial = 0;
void loop_inside() {
  for (int i = 0; i < 10; ++i) {
    std::lock_guard<std::mutex> g(mu);
    total += i;           // NORACE
    if (i == 5) break;
  }
}
void loop_lock_maybe(int n) {
  for (int i = 0; i < n; ++i) {
    if (i == 3) mu.lock();
    partial++;            // RACE (held on some iterations only)
    if (i == 3) mu.unlock();
  }
}
int main() {
  std::thread a(loop_inside), b(loop_lock_maybe, 5), c(loop_inside), d(loop_lock_maybe, 6);
  a.join(); b.join(); c.join(); d.join();
}
)"}});
}

TEST(Lockset, ScopedLockAndStdLockOverSeveralMutexes) {
  EXPECT_MARKERS({{R"(
std::mutex m1, m2, m3;
int x = 0, y = 0;
void scoped() {
  std::scoped_lock lk(m1, m2, m3);
  x++;                    // NORACE
  y++;                    // NORACE
}
void with_std_lock() {
  std::lock(m1, m2);
  std::lock_guard<std::mutex> a(m1, std::adopt_lock);
  std::lock_guard<std::mutex> b(m2, std::adopt_lock);
  x++;                    // NORACE
}
void deferred_pair() {
  std::unique_lock<std::mutex> a(m2, std::defer_lock), b(m3, std::defer_lock);
  std::lock(a, b);
  y++;                    // NORACE
}
int main() {
  std::thread t1(scoped), t2(with_std_lock), t3(deferred_pair);
  t1.join(); t2.join(); t3.join();
}
)"}});
}

TEST(Lockset, SharedLockDoesNotProtectAgainstSharedWriter) {
  EXPECT_MARKERS({{R"(
std::shared_mutex rw;
int config = 0;
int table = 0;
void reader() {
  std::shared_lock<std::shared_mutex> lk(rw);
  int c = config;         // NORACE (writers hold it exclusively)
  int t = table;          // RACE
  (void)c; (void)t;
}
void writer() {
  std::unique_lock<std::shared_mutex> lk(rw);
  config = 1;             // NORACE
}
void sneaky_writer() {
  rw.lock_shared();
  table = 2;              // RACE (a write under a read lock)
  rw.unlock_shared();
}
int main() {
  std::thread a(reader), b(writer), c(sneaky_writer), d(reader);
  a.join(); b.join(); c.join(); d.join();
}
)"}});
}

TEST(Lockset, ConditionVariableWaitKeepsLockHeld) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
std::condition_variable cv;
bool ready = false;
int payload = 0;
void consumer() {
  std::unique_lock<std::mutex> lk(mu);
  cv.wait(lk, [] { return ready; });
  payload++;              // NORACE
}
void producer() {
  { std::lock_guard<std::mutex> g(mu); payload = 41; ready = true; } // NORACE
  cv.notify_one();
}
int main() {
  std::thread a(consumer), b(producer);
  a.join(); b.join();
}
)"}});
}

TEST(Lockset, PthreadRwlockAndSpinlock) {
  EXPECT_MARKERS({{R"(
pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
pthread_spinlock_t spin;
int stats = 0, hits = 0, misses = 0;
void* reader(void*) {
  pthread_rwlock_rdlock(&rw);
  int s = stats;          // NORACE
  (void)s;
  pthread_rwlock_unlock(&rw);
  pthread_spin_lock(&spin);
  hits++;                 // NORACE
  pthread_spin_unlock(&spin);
  misses++;               // RACE
  return nullptr;
}
void* writer(void*) {
  pthread_rwlock_wrlock(&rw);
  stats++;                // NORACE
  pthread_rwlock_unlock(&rw);
  return nullptr;
}
int main() {
  pthread_t a, b, c;
  pthread_create(&a, nullptr, reader, nullptr);
  pthread_create(&b, nullptr, writer, nullptr);
  pthread_create(&c, nullptr, reader, nullptr);
  pthread_join(a, nullptr);
  pthread_join(b, nullptr);
  pthread_join(c, nullptr);
}
)"}});
}

TEST(Lockset, ExceptionPathsReleaseRaiiGuards) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
int balance = 0;
void may_throw(int v) {
  std::lock_guard<std::mutex> g(mu);
  if (v < 0) throw v;
  balance += v;           // RACE (pairs with the write after unwinding)
}
void caller() {
  try { may_throw(-1); } catch (int) {}
  balance = 0;            // RACE (the guard was released by unwinding)
}
int main() {
  std::thread a(caller), b(may_throw, 3);
  a.join(); b.join();
}
)"}});
}

TEST(Lockset, UserWrappersAndScopedGuardClassesFromSummaries) {
  EXPECT_MARKERS({{R"(
class Mutex {
public:
  void Lock() { pthread_mutex_lock(&m_); }
  void Unlock() { pthread_mutex_unlock(&m_); }
private:
  pthread_mutex_t m_ = PTHREAD_MUTEX_INITIALIZER;
};
class MutexLock {
public:
  explicit MutexLock(Mutex& m) : m_(m) { m_.Lock(); }
  ~MutexLock() { m_.Unlock(); }
private:
  Mutex& m_;
};
void acquire_global(std::mutex& m) { m.lock(); }
void release_global(std::mutex& m) { m.unlock(); }
Mutex g_mu;
std::mutex g_std;
int counter = 0;
int wrapped = 0;
int after = 0;
void a() {
  MutexLock lock(g_mu);
  counter++;              // NORACE
}
void b() {
  g_mu.Lock();
  counter--;              // NORACE
  g_mu.Unlock();
  acquire_global(g_std);
  wrapped++;              // NORACE
  release_global(g_std);
  after++;                // RACE
}
int main() {
  std::thread t1(a), t2(b), t3(b);
  t1.join(); t2.join();
}
)"}});
}

TEST(Lockset, ThreadSafetyAttributesAreHonoured) {
  EXPECT_MARKERS({{R"(
class __attribute__((capability("mutex"))) Lockable {
public:
  void Acquire() __attribute__((acquire_capability()));
  void Release() __attribute__((release_capability()));
};
Lockable cap;
int data = 0;
void needs() __attribute__((requires_capability(cap)));
void needs() { data++; }  // NORACE
void user() {
  cap.Acquire();
  data = 2;               // NORACE
  needs();
  cap.Release();
}
int main() {
  std::thread a(user), b(user);
  a.join(); b.join();
}
)"}});
}

} // namespace

namespace {

TEST(Lockset, UnlockRelockHelperHasNoNetEffectAndRecursiveIsNotARelease) {
  EXPECT_MARKERS({{R"(
std::mutex mu;
std::recursive_mutex rmu;
int state = 0;
int rstate = 0;
void io() {}
void drop_lock_around_io() { mu.unlock(); io(); mu.lock(); }
void nested_recursive() { rmu.lock(); rmu.lock(); rmu.unlock(); rmu.unlock(); }
void worker() {
  std::lock_guard<std::mutex> g(mu);
  drop_lock_around_io();
  state++;                // NORACE (re-acquired by the helper)
}
void rworker() {
  std::lock_guard<std::recursive_mutex> g(rmu);
  nested_recursive();
  rstate++;               // NORACE (the helper is balanced)
}
int main() {
  std::thread a(worker), b(worker), c(rworker), d(rworker);
  a.join(); b.join(); c.join(); d.join();
}
)"}});
}

} // namespace

// Wrappers defined in another TU reach their callers through the driver's
// second pass (the shared "header" is the first lines of both snippets).
namespace {
const std::string kAccountHeader = R"(
struct Account {
  std::mutex mu;
  int balance = 0;
};
void lock_account(Account &a);
void unlock_account(Account &a);
)";
const std::string kWrapperTU = kAccountHeader + R"(
void lock_account(Account &a) { a.mu.lock(); }
void unlock_account(Account &a) { a.mu.unlock(); }
)";
} // namespace

TEST(Lockset, WrappersDefinedInAnotherTU) {
  EXPECT_MARKERS({{kWrapperTU}, {kAccountHeader + R"(
Account account;
void deposit() {
  lock_account(account);
  account.balance++;         // NORACE
  unlock_account(account);
}
int main() {
  std::thread t1(deposit), t2(deposit);
  t1.join(); t2.join();
}
)"}});
}

TEST(Lockset, WithoutCrossTUWrapperCallsTheRaceIsReported) {
  EXPECT_MARKERS({{kWrapperTU}, {kAccountHeader + R"(
Account account;
void deposit() {
  account.balance++;         // RACE
}
int main() {
  std::thread t1(deposit), t2(deposit);
  t1.join(); t2.join();
}
)"}});
}

TEST(Lockset, CrossTUWrapperLocksItsArgumentNotAnyAccount) {
  EXPECT_MARKERS({{kWrapperTU}, {kAccountHeader + R"(
Account account, other;
void deposit() {
  lock_account(account);
  account.balance++;         // RACE
  unlock_account(account);
}
void deposit_wrong_lock() {
  lock_account(other);
  account.balance++;         // RACE
  unlock_account(other);
}
int main() {
  std::thread t1(deposit), t2(deposit_wrong_lock);
  t1.join(); t2.join();
}
)"}});
}

TEST(Lockset, CrossTUReleaseWrapperEndsTheCriticalSection) {
  std::vector<Snippet> tus = {{kWrapperTU}, {kAccountHeader + R"(
Account account;
void deposit() {
  account.mu.lock();
  account.balance++;         // RACE with the decrement, which runs unlocked
  unlock_account(account);
  account.balance--;         // RACE
}
int main() {
  std::thread t1(deposit), t2(deposit);
  t1.join(); t2.join();
}
)"}};
  std::vector<interlock::Finding> races =
      interlock::test::ofRule(interlock::test::analyzeSnippets(tus), "data-race");
  EXPECT_EQ(interlock::test::checkMarkers(tus, races), "");
  bool decrementUnlocked = false;
  for (const interlock::Finding &race : races)
    decrementUnlocked |= race.message.find("write holding no lock") != std::string::npos;
  EXPECT_TRUE(decrementUnlocked);
}
