// Threads, may-happen-in-parallel, shared locations, guard inference.
#include "AnalysisTestSupport.h"

using interlock::test::Snippet;

namespace {

TEST(Threads, JoinBeforeReadAndSetupBeforeSpawnDoNotRace) {
  EXPECT_MARKERS({{R"(
int result = 0;
int config = 0;
void worker() {
  int c = config;         // NORACE (set before the thread starts)
  result = c * 2;         // NORACE (read only after join)
}
int main() {
  config = 21;            // NORACE
  std::thread t(worker);
  t.join();
  return result;          // NORACE
}
)"}});
}

TEST(Threads, SpawnerRacesBetweenSpawnAndJoin) {
  EXPECT_MARKERS({{R"(
int progress = 0;
void worker() { progress++; }  // RACE
int main() {
  std::thread t(worker);
  int seen = progress;    // RACE
  t.join();
  return seen + progress; // NORACE
}
)"}});
}

TEST(Threads, LambdaByReferenceCaptureIsShared) {
  EXPECT_MARKERS({{R"(
int main() {
  int hits = 0;
  int copy_only = 0;
  std::thread t([&hits, copy_only]() mutable {
    hits++;               // RACE
    copy_only++;          // NORACE (the lambda's own copy)
  });
  hits++;                 // RACE
  copy_only++;            // NORACE
  t.join();
  return hits;            // NORACE
}
)"}});
}

TEST(Threads, PthreadCreateArgumentIsShared) {
  EXPECT_MARKERS({{R"(
struct Job { int done; int id; };
void* run(void* arg) {
  Job* job = static_cast<Job*>(arg);
  job->done = 1;          // RACE
  int id = job->id;       // NORACE (only read)
  (void)id;
  return nullptr;
}
int main() {
  Job job{0, 7};
  pthread_t t;
  pthread_create(&t, nullptr, run, &job);
  int d = job.done;       // RACE
  int i = job.id;         // NORACE
  pthread_join(t, nullptr);
  return d + i + job.done; // NORACE
}
)"}});
}

TEST(Threads, AsyncAndFutureGet) {
  EXPECT_MARKERS({{R"(
int cache = 0;
int compute() { cache = 5; return 1; }  // RACE
int main() {
  auto f = std::async(std::launch::async, compute);
  cache = 3;              // RACE
  int r = f.get();
  return cache + r;       // NORACE (after get)
}
)"}});
}

TEST(Threads, AtomicsThreadLocalConstAndUnescapedLocalsAreNotShared) {
  EXPECT_MARKERS({{R"(
std::atomic<int> counter{0};
thread_local int per_thread = 0;
const int limit = 10;
constexpr int kMax = 4;
void worker() {
  counter++;              // NORACE
  counter.fetch_add(1);   // NORACE
  per_thread++;           // NORACE
  int local = limit + kMax; // NORACE
  local++;                // NORACE
}
int main() {
  std::thread a(worker), b(worker);
  a.join(); b.join();
}
)"}});
}

TEST(Threads, ThreadsInALoopRaceWithEachOther) {
  EXPECT_MARKERS({{R"(
std::vector<int> items;
std::mutex mu;
void producer(int i) {
  items.push_back(i);     // RACE
}
void safe(int i) {
  std::lock_guard<std::mutex> g(mu);
  items.size();           // NORACE (reads only race with writes; see producer)
}
int main() {
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back(producer, i);
  for (auto& t : threads) t.join();
  return static_cast<int>(items.size()); // NORACE (after the join loop)
}
)"}});
}

TEST(Threads, ContainerConstAccessIsARead) {
  EXPECT_MARKERS({{R"(
std::map<int, int> table;
std::vector<int> lookup = {1, 2, 3};
void reader() {
  auto it = table.find(1);  // RACE
  (void)it;
  int v = lookup[1];      // NORACE (vector::operator[] does not modify)
  (void)v;
}
void writer() {
  table[2] = 3;           // RACE (map::operator[] inserts)
}
int main() {
  std::thread a(reader), b(writer), c(reader);
  a.join(); b.join(); c.join();
}
)"}});
}

TEST(Threads, MemberFunctionAndFunctorEntries) {
  EXPECT_MARKERS({{R"(
struct Counter {
  int n = 0;
  void bump() { n++; }    // RACE
};
Counter g_counter;
struct Task {
  void operator()() const { g_counter.bump(); }
};
int main() {
  std::thread a(&Counter::bump, &g_counter);
  std::thread b(Task{});
  a.join(); b.join();
}
)"}});
}

TEST(Threads, LibraryAssumptionForClassesThatUseALock) {
  EXPECT_MARKERS({{R"(
class Account {
public:
  void deposit(int v) {
    std::lock_guard<std::mutex> g(mu_);
    balance_ += v;        // RACE (pairs with reset)
    count_++;             // NORACE
  }
  void withdraw(int v) {
    std::lock_guard<std::mutex> g(mu_);
    balance_ -= v;        // RACE (pairs with reset)
    count_--;             // NORACE
  }
  int peek() const { return balance_; } // RACE
  void reset() { balance_ = 0; }        // RACE
  int limit() const { return limit_; }  // NORACE (never written)
private:
  mutable std::mutex mu_;
  int balance_ = 0;
  int limit_ = 100;
  int count_ = 0;
};
)"}});
}

TEST(Threads, GuardInferenceNamesTheUsualLock) {
  auto findings = interlock::test::analyzeSnippets({{R"(
class Account {
public:
  void deposit(int v) { std::lock_guard<std::mutex> g(mu_); balance_ += v; }
  void withdraw(int v) { std::lock_guard<std::mutex> g(mu_); balance_ -= v; }
  int get() const { std::lock_guard<std::mutex> g(mu_); return balance_; }
  void audit() { std::lock_guard<std::mutex> g(mu_); balance_ = balance_ * 1; }
  void reset() { balance_ = 0; }
private:
  mutable std::mutex mu_;
  int balance_ = 0;
};
)"}});
  auto races = interlock::test::ofRule(findings, "data-race");
  ASSERT_FALSE(races.empty());
  bool named = false;
  for (const auto &f : races)
    named = named || f.message.find("while holding `mu_` at 5 of 6 sites") != std::string::npos;
  EXPECT_TRUE(named) << races.front().message;
  // Every finding of the pair points to the other side and names a thread context.
  for (const auto &f : races) {
    EXPECT_FALSE(f.notes.empty());
    EXPECT_FALSE(f.fingerprintKey.empty());
    EXPECT_EQ(f.fingerprintKey.find(std::to_string(f.site.line)), std::string::npos);
  }
}

TEST(Threads, GuardedFieldReadThroughHelperUnderTheLock) {
  EXPECT_MARKERS({{R"(
class Stats {
public:
  void add(int v) { std::lock_guard<std::mutex> g(mu_); total_ += v; } // NORACE
  int snapshot() { std::lock_guard<std::mutex> g(mu_); return read_total(); }
private:
  int read_total() const { return total_; } // NORACE (callers hold mu_)
  std::mutex mu_;
  int total_ = 0;
};
Stats stats;
int main() {
  std::thread a([] { stats.add(1); }), b([] { stats.snapshot(); });
  a.join(); b.join();
}
)"}});
}

TEST(Threads, MultiTranslationUnitCallsAreLinkedByUsr) {
  EXPECT_MARKERS({{R"(
extern int shared_total;
void add_locked(int v);
void add_unlocked(int v);
int main() {
  std::thread a(add_locked, 1), b(add_unlocked, 2);
  a.join(); b.join();
}
)"},
                  {R"(
std::mutex total_mu;
int shared_total = 0;
void add_locked(int v) {
  std::lock_guard<std::mutex> g(total_mu);
  shared_total += v;      // RACE (the other thread does not lock)
}
void add_unlocked(int v) {
  shared_total += v;      // RACE
}
)"}});
}

TEST(Threads, CProgramWithPthreads) {
  EXPECT_MARKERS({{R"(
pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
long total;
long unsafe;
void* work(void* arg) {
  (void)arg;
  pthread_mutex_lock(&lock);
  total++;                /* NORACE */
  pthread_mutex_unlock(&lock);
  unsafe++;               // RACE
  return NULL;
}
int main(void) {
  pthread_t t[4];
  for (int i = 0; i < 4; ++i)
    pthread_create(&t[i], NULL, work, NULL);
  for (int i = 0; i < 4; ++i)
    pthread_join(t[i], NULL);
  return (int)(total + unsafe); // NORACE
}
)", "c"}});
}

TEST(Threads, ThreadPoolSubmitFunctionsFromConfig) {
  interlock::AnalyzerConfig config;
  config.threadPoolSubmitFunctions = {"Pool::submit"};
  EXPECT_MARKERS({{R"(
struct Pool {
  template <class F> void submit(F f) { f(); }
};
int jobs_done = 0;
int main() {
  Pool pool;
  pool.submit([] { jobs_done++; }); // RACE (pool workers run jobs in parallel)
}
)"}},
                 config);
}

} // namespace

namespace {

TEST(Threads, ThreadThatSpawnsItselfTerminatesAndIsSelfConcurrent) {
  EXPECT_MARKERS({{R"(
int depth_seen = 0;
void task(int depth) {
  depth_seen = depth;     // RACE (every level runs in parallel with the next)
  if (depth > 0) {
    std::thread child(task, depth - 1);
    child.detach();
  }
}
int main() {
  std::thread root(task, 3);
  root.join();
}
)"}});
}

} // namespace
