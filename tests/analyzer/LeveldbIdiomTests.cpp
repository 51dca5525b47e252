// Causes of false positives found by triaging leveldb 1.23 (see the leveldb
// table in docs/analyzer.md), each fixed in the analysis with a positive case
// and the look-alike that must keep being reported.
#include "AnalysisTestSupport.h"

#include <fstream>
#include <sstream>

namespace {

// leveldb's port/port_stdcxx.h and util/mutexlock.h, reduced: a LOCKABLE
// wrapper around std::mutex, a scoped guard, and a condition variable whose
// Wait adopts the wrapper's std::mutex. The one copy is
// testcases/static/port_mutex.h (the static testcases use it too), read from
// disk so that the two cannot drift apart.
std::string portMutexHeader() {
  const char *path = INTERLOCK_TESTCASES_DIR "/static/port_mutex.h";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The snippets below are spelled as leveldb's code is: unqualified port
// names, leveldb's attribute macros.
const char *const kPortSpelling = R"(
#define GUARDED_BY(x) PORT_GUARDED_BY(x)
#define EXCLUSIVE_LOCKS_REQUIRED(...) PORT_REQUIRES(__VA_ARGS__)
using port::CondVar;
using port::Mutex;
using port::MutexLock;
void SleepForMicroseconds(int);
)";

std::string withPort(const std::string &code) {
  return portMutexHeader() + kPortSpelling + code;
}

bool anyMessageHas(const std::vector<interlock::Finding> &findings, const std::string &text) {
  for (const auto &f : findings)
    if (f.message.find(text) != std::string::npos)
      return true;
  return false;
}

// 1. One lock, two names: the wrapper's attributes name `mutex_`, its body
// locks `mutex_.mu_`; both are one lock.
TEST(LeveldbIdioms, WrapperMutexSeenThroughAttributesAndBodyIsOneLock) {
  std::string code = withPort(R"(
class FileState { public: int size = 0; };
class InMemoryEnv {
public:
  void Create(int v) {
    MutexLock lock(&mutex_);
    files_ = v;               // NORACE -- MutexLock names `mutex_`
    generation_++;            // RACE (pairs with Rename)
  }
  int Count() {
    mutex_.Lock();
    int n = files_;           // NORACE -- Lock()'s body locks `mutex_.mu_`: the same lock
    mutex_.Unlock();
    return n;
  }
  void Rename(int v) {
    MutexLock lock(&mutex_);
    mutex_.Unlock();
    generation_ = v;          // RACE -- unlocked inside the guard's scope
    mutex_.Lock();
  }
private:
  Mutex mutex_;
  int files_ GUARDED_BY(mutex_) = 0;
  int generation_ = 0;
};
)");
  EXPECT_MARKERS({{code}});
  auto races = interlock::test::ofRule(interlock::test::analyzeSnippets({{code}}), "data-race");
  ASSERT_FALSE(races.empty());
  EXPECT_TRUE(anyMessageHas(races, "holding `mutex_`"));
  EXPECT_FALSE(anyMessageHas(races, "mutex_.mu_")) << races.front().message;
}

// A pure wrapper without attributes (its only data member is the mutex) is
// the lock too: a friend locking `w.mu_` directly and `w.Lock()` agree.
TEST(LeveldbIdioms, PureWrapperWithoutAttributesIsOneLockWithItsMutex) {
  EXPECT_MARKERS({{R"(
class Plain {
public:
  void Lock() { mu_.lock(); }
  void Unlock() { mu_.unlock(); }
  std::mutex mu_;
};
Plain g_lock;
int shared_count = 0;
void through_methods() {
  g_lock.Lock();
  shared_count++;             // NORACE
  g_lock.Unlock();
}
void through_member() {
  std::lock_guard<std::mutex> g(g_lock.mu_);
  shared_count++;             // NORACE -- g_lock.mu_ is g_lock
}
int main() {
  std::thread a(through_methods), b(through_member);
  a.join(); b.join();
}
)"}});
}

// The look-alike: a class with data besides its mutex is not a lock, and its
// mutex keeps its own name (`g_acct.mu`).
TEST(LeveldbIdioms, ClassWithDataBesidesTheMutexKeepsTheFieldName) {
  std::string code = R"(
struct Account { std::mutex mu; int balance = 0; };
Account g_acct;
void deposit() {
  std::lock_guard<std::mutex> g(g_acct.mu);
  g_acct.balance += 1;          // RACE
}
void audit() {
  g_acct.balance = 0;           // RACE
}
int main() {
  std::thread a(deposit), b(audit);
  a.join(); b.join();
}
)";
  EXPECT_MARKERS({{code}});
  auto races = interlock::test::ofRule(interlock::test::analyzeSnippets({{code}}), "data-race");
  EXPECT_TRUE(anyMessageHas(races, "`g_acct.mu`")) << (races.empty() ? "" : races.front().message);
}

// 2. adopt_lock takes over a lock already held: CondVar::Wait called while
// the caller holds DBImpl's mutex adds no edge, no double lock, and leaves
// the caller's lockset as it was.
TEST(LeveldbIdioms, AdoptLockInConditionWaitIsNotAnAcquisition) {
  EXPECT_MARKERS({{withPort(R"(
class DBImpl {
public:
  void CompactRange() {
    MutexLock l(&mutex_);               // NODEADLOCK NODOUBLELOCK
    while (pending_ > 0)
      background_done_.Wait();          // NODEADLOCK NODOUBLELOCK
    pending_ = 1;                       // NORACE -- still held after the wait
  }
  void BackgroundCall() {
    MutexLock l(&mutex_);
    pending_ = 0;                       // NORACE
    background_done_.SignalAll();
  }
  void WaitTwice() {
    MutexLock l(&mutex_);
    background_done_.Wait();            // NODOUBLELOCK
    background_done_.Wait();            // NODOUBLELOCK -- the wait took nothing new
  }
  void WaitBothWays(bool first) {
    MutexLock l(&mutex_);
    if (first) {
      background_done_.Wait();          // NODEADLOCK NODOUBLELOCK
      writer_done_.Wait();              // NODEADLOCK NODOUBLELOCK
    } else {
      writer_done_.Wait();              // NODEADLOCK NODOUBLELOCK
      background_done_.Wait();          // NODEADLOCK NODOUBLELOCK
    }
  }
private:
  Mutex mutex_;
  CondVar background_done_{&mutex_};
  CondVar writer_done_{&mutex_};
  int pending_ = 0;
};
)")}});
}

// The look-alikes: adopting a lock that is not held does not make it held,
// and a real acquisition of a held lock is still a double lock.
TEST(LeveldbIdioms, AdoptingALockNotHeldDoesNotProtect) {
  EXPECT_MARKERS({{R"(
std::mutex m;
int counter = 0;
void locked() {
  std::lock_guard<std::mutex> g(m);
  counter++;                  // RACE
}
void adopts_without_holding() {
  std::unique_lock<std::mutex> lk(m, std::adopt_lock);
  counter++;                  // RACE -- nobody locked m on this path
  lk.release();
}
void relocks() {
  m.lock();
  std::unique_lock<std::mutex> lk(m);   // DOUBLELOCK
  lk.release();
  m.unlock();
}
int main() {
  std::thread a(locked), b(adopts_without_holding), c(relocks);
  a.join(); b.join(); c.join();
}
)"}});
}

// A method that REQUIRES the lock and unlocks it around slow work releases
// the caller's lock: locking it again is not a double lock.
TEST(LeveldbIdioms, RequiresMethodThatUnlocksAndRelocksIsNotADoubleLock) {
  EXPECT_MARKERS({{withPort(R"(
class DBImpl {
public:
  void Write() {
    MutexLock l(&mutex_);
    MakeRoomForWrite();
    mem_ = 2;                           // NORACE
  }
  void Reset() {
    MutexLock l(&mutex_);
    ResetLocked();
  }
private:
  void MakeRoomForWrite() EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    mutex_.Unlock();
    SleepForMicroseconds(1000);
    mutex_.Lock();                      // NODOUBLELOCK
    mem_ = 1;                           // NORACE
  }
  void ResetLocked() EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    mutex_.Lock();                      // DOUBLELOCK
    mem_ = 0;
    mutex_.Unlock();
  }
  Mutex mutex_;
  int mem_ = 0;
};
)")}});
}

// A pointer copied from a field under the lock is a local copy: reading it
// after the unlock does not read the field; what it points to is shared.
TEST(LeveldbIdioms, LocalCopyOfAPointerFieldIsNotTheField) {
  EXPECT_MARKERS({{R"(
struct MemTable { int entries = 0; int Get() const; };
class DB {
public:
  int Get() {
    std::unique_lock<std::mutex> l(mu_);
    MemTable *mem = mem_;
    l.unlock();
    int n = mem->Get();        // NORACE -- the local `mem`, not `mem_`
    mem->entries++;            // RACE -- the memtable itself is shared
    return n + (mem_ != nullptr); // RACE -- this one reads `mem_`
  }
  void Switch(MemTable *m) {
    std::lock_guard<std::mutex> g(mu_);
    mem_->entries = 0;         // RACE
    mem_ = m;                  // RACE
  }
private:
  std::mutex mu_;
  MemTable *mem_ = nullptr;
};
)"}});
}

// 3. Library entry points: the caller's out-parameters are not shared state.
TEST(LeveldbIdioms, OutParametersOfLibraryEntryPointsAreTheCallersObjects) {
  EXPECT_MARKERS({{R"(
struct Logger { int level = 0; };
class PosixEnv {
public:
  int NewLogger(Logger **result) {
    *result = new Logger;      // NORACE -- the caller's variable
    (*result)->level = 1;      // NORACE
    opened_++;                 // RACE -- a field of the shared env
    return 0;
  }
  void Schedule() {
    std::lock_guard<std::mutex> g(mu_);
    opened_ = 0;               // RACE
  }
private:
  std::mutex mu_;
  int opened_ = 0;
};
)"}});
}

// The look-alike: a real thread entry's argument comes from its spawner and
// stays shared; when its origin is unknown it is named after the parameter.
TEST(LeveldbIdioms, ThreadArgumentStaysSharedAndIsNamedAfterTheParameter) {
  std::string code = R"(
int *shared_slot(void);
void *worker(void *counter) {
  *(int *)counter += 1;         // RACE
  return NULL;
}
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, worker, shared_slot());
  pthread_create(&t2, NULL, worker, shared_slot());
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
)";
  EXPECT_MARKERS({{code, "c"}});
  auto races = interlock::test::ofRule(interlock::test::analyzeSnippets({{code, "c"}}), "data-race");
  ASSERT_FALSE(races.empty());
  EXPECT_TRUE(anyMessageHas(races, "`counter`")) << races.front().message;
  EXPECT_FALSE(anyMessageHas(races, "param0")) << races.front().message;
}

} // namespace

namespace {

// util/cache.cc: LRUCache is a library class of its own and is also reached
// from ShardedLRUCache through `shard_[i]`. The same code on the same object
// holds `this->mutex_` in one context and `shard_[].mutex_` in the other:
// one lock. The look-alike: a `mutex_` of another class protects nothing.
TEST(LeveldbIdioms, LockOfAnUnknownInstanceMatchesTheSameFieldReachedFromElsewhere) {
  EXPECT_MARKERS({{R"(
struct Handle { int refs = 0; Handle *next = nullptr; };
Handle *lookup_table(int key);
extern Handle g_sentinel;
class LRUCache {
public:
  Handle *Lookup(int key) {
    std::lock_guard<std::mutex> l(mutex_);
    Handle *e = lookup_table(key);
    Ref(e);
    return e;
  }
  void Release(Handle *h) {
    std::lock_guard<std::mutex> l(mutex_);
    usage_--;                  // NORACE
    g_sentinel.refs--;         // RACE
  }
private:
  void Ref(Handle *e) {
    e->refs++;                 // NORACE -- `mutex_` here, `shard_[].mutex_` from ShardedLRUCache
  }
  std::mutex mutex_;
  int usage_ = 0;
};
Handle g_sentinel;
class Registry {
public:
  void Touch() {
    std::lock_guard<std::mutex> l(mutex_);
    g_sentinel.refs++;         // RACE -- Registry::mutex_ is another lock than LRUCache's
    touched_++;                // NORACE
  }
private:
  std::mutex mutex_;
  int touched_ = 0;
};
class ShardedLRUCache {
public:
  Handle *Lookup(int key) { return shard_[key & 3].Lookup(key); }
  void Release(Handle *h) { shard_[0].Release(h); }
private:
  std::mutex id_mutex_;
  LRUCache shard_[4];
public:
  int NewId() { std::lock_guard<std::mutex> l(id_mutex_); return ++last_id_; }
  int last_id_ = 0;
};
)"}});
}

} // namespace

namespace {

// A library method racing with itself is explained as another call of that
// method, not as "another instance of the thread" (no thread is visible).
TEST(LeveldbIdioms, LibraryMethodRacingWithItselfNamesTheMethod) {
  std::string code = R"(
class Counter {
public:
  void Bump() { bumps_++; }   // RACE
  void Reset() { std::lock_guard<std::mutex> g(mu_); total_ = 0; }
private:
  std::mutex mu_;
  int bumps_ = 0;
  int total_ = 0;
};
)";
  EXPECT_MARKERS({{code}});
  auto races = interlock::test::ofRule(interlock::test::analyzeSnippets({{code}}), "data-race");
  ASSERT_EQ(races.size(), 1u);
  EXPECT_NE(races.front().message.find("here in another call of `Counter::Bump`"),
            std::string::npos)
      << races.front().message;
}

} // namespace
