// Causes of false positives found by triaging a real codebase (memcached
// 1.6.18, see bench/analyzer/RESULTS.md), each fixed in the analysis with a
// positive case and the look-alike that must keep being reported.
#include "AnalysisTestSupport.h"

namespace {

// A local of a function is one variable per call: two threads that each run
// the function have one each, even when its address escapes (to a callee,
// or `&p->mutex` of a local pointer `p`).
TEST(RealCode, LocalsOfAFunctionCalledByTwoThreadsAreNotShared) {
  EXPECT_MARKERS({{R"(
struct page { pthread_mutex_t mutex; int used; };
struct page pages[4];
void fill(int *out) { *out = 1; }
void helper(void) {
  int scratch;
  fill(&scratch);
  scratch++;              // NORACE -- each thread's own
}
int write_request(int bucket) {
  struct page *p;
  p = &pages[bucket];     // NORACE -- the local pointer, not the page
  pthread_mutex_lock(&p->mutex);
  p->used++;              // NORACE -- under the page's mutex
  pthread_mutex_unlock(&p->mutex);
  return p != NULL;       // NORACE
}
void *reader(void *arg) { helper(); write_request(0); return NULL; }
void *writer(void *arg) { helper(); write_request(1); return NULL; }
int main(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, reader, NULL);
  pthread_create(&t2, NULL, writer, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return 0;
}
)",
                   "c"}});
}

// The look-alike: one local of main handed to two threads is one variable.
TEST(RealCode, LocalOfTheSpawnerHandedToTwoThreadsIsShared) {
  EXPECT_MARKERS({{R"(
void *bump(void *arg) {
  int *total = arg;
  (*total)++;             // RACE
  return NULL;
}
void *drain(void *arg) {
  int *total = arg;
  *total = 0;             // RACE
  return NULL;
}
int main(void) {
  int total = 0;
  pthread_t t1, t2;
  pthread_create(&t1, NULL, bump, &total);
  pthread_create(&t2, NULL, drain, &total);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  return total;           // NORACE -- after the joins
}
)",
                   "c"}});
}

// An object the function allocates itself is as private as its local, until
// it is published (a per-thread logger, a buffer made for one connection).
TEST(RealCode, FreshAllocationOfEachCallIsNotShared) {
  EXPECT_MARKERS({{R"(
#include <stdlib.h>
struct buf { int len; pthread_mutex_t mu; };
struct buf table[4];
struct buf *make_buf(void) {
  struct buf *b = calloc(1, sizeof *b);
  pthread_mutex_init(&b->mu, NULL);
  b->len = 0;             // NORACE -- this call's own object
  return b;
}
struct buf *pick(int i) { return &table[i]; }
void reset(int i) {
  struct buf *b;
  b = pick(i);
  pthread_mutex_init(&b->mu, NULL);
  b->len = 0;             // RACE -- an object of the shared table
}
void maybe_shared(int i) {
  struct buf *b = malloc(sizeof *b);
  if (i)
    b = &table[i];
  pthread_mutex_init(&b->mu, NULL);
  b->len = 1;             // RACE -- not only fresh allocations
}
void *worker(void *arg) { make_buf(); reset(1); maybe_shared(1); return NULL; }
)" + std::string(interlock::test::kCWorkerTwiceMain),
                   "c"}});
}

// start_x() / stop_x() pairs: a thread whose handle is a global, created in
// one function and joined in another, is joined at the second call.
TEST(RealCode, ThreadJoinedByAnotherFunctionThroughAGlobalHandle) {
  EXPECT_MARKERS({{R"(
pthread_t worker_tid, helper_tid, late_tid;
int progress, helped, late_count;
void *work(void *arg) { progress++; return NULL; }      // NORACE -- joined before main writes
void *help(void *arg) { helped++; return NULL; }        // RACE
void *late(void *arg) { late_count++; return NULL; }    // RACE
void start_threads(void) {
  pthread_create(&worker_tid, NULL, work, NULL);
  pthread_create(&helper_tid, NULL, help, NULL);
}
void stop_worker(void) { pthread_join(worker_tid, NULL); }
void start_late(void) { pthread_create(&late_tid, NULL, late, NULL); }
void stop_late(void) { pthread_join(late_tid, NULL); }
int main(void) {
  start_threads();
  stop_worker();
  progress = 0;           // NORACE -- stop_worker joined it
  helped = 0;             // RACE -- helper is never joined
  stop_late();            /* a join before the thread exists joins nothing */
  start_late();
  late_count = 5;         // RACE
  return 0;
}
)",
                   "c"}});
}

} // namespace
