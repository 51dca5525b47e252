// Google Benchmark micro-benchmarks of the operations libinterlock
// intercepts. bench/runtime/run.py runs this binary uninstrumented, with
// libinterlock preloaded and built with ThreadSanitizer, and reports the
// per-iteration times side by side (ns per uncontended lock+unlock pair).
#include <benchmark/benchmark.h>
#include <pthread.h>

#include <mutex>
#include <shared_mutex>

namespace {

std::mutex g_outer;
std::mutex g_inner;
std::shared_mutex g_shared;
pthread_mutex_t g_pthread = PTHREAD_MUTEX_INITIALIZER;

// One lock+unlock pair of a std::mutex nobody else uses.
void BM_StdMutexUncontended(benchmark::State &state) {
  std::mutex mutex;
  for (auto _ : state) {
    mutex.lock();
    mutex.unlock();
  }
}
BENCHMARK(BM_StdMutexUncontended);

// One lock+unlock pair through the pthread C API.
void BM_PthreadMutexUncontended(benchmark::State &state) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  for (auto _ : state) {
    pthread_mutex_lock(&mutex);
    pthread_mutex_unlock(&mutex);
  }
  pthread_mutex_destroy(&mutex);
}
BENCHMARK(BM_PthreadMutexUncontended);

// A lock taken while another is held: the repeat of a known edge, the path
// a detector must make cheap (no global lock, no stack capture).
void BM_NestedKnownEdge(benchmark::State &state) {
  std::mutex outer, inner;
  for (auto _ : state) {
    outer.lock();
    inner.lock();
    inner.unlock();
    outer.unlock();
  }
}
BENCHMARK(BM_NestedKnownEdge);

// The same nested pair from several threads at once (shared mutexes, so
// real contention is included).
void BM_NestedKnownEdgeThreads(benchmark::State &state) {
  for (auto _ : state) {
    std::lock_guard<std::mutex> outer(g_outer);
    std::lock_guard<std::mutex> inner(g_inner);
  }
}
BENCHMARK(BM_NestedKnownEdgeThreads)->Threads(1)->Threads(2);

// Shared (reader) lock+unlock of a std::shared_mutex, from 1 and 2 threads.
void BM_SharedMutexRead(benchmark::State &state) {
  for (auto _ : state) {
    g_shared.lock_shared();
    g_shared.unlock_shared();
  }
}
BENCHMARK(BM_SharedMutexRead)->Threads(1)->Threads(2);

// A successful try_lock while holding another lock (a try edge).
void BM_TryLockNested(benchmark::State &state) {
  std::mutex outer, inner;
  for (auto _ : state) {
    outer.lock();
    if (inner.try_lock()) inner.unlock();
    outer.unlock();
  }
}
BENCHMARK(BM_TryLockNested);

// pthread lock+unlock of one process-wide mutex from 2 threads (contended).
void BM_PthreadMutexContended(benchmark::State &state) {
  for (auto _ : state) {
    pthread_mutex_lock(&g_pthread);
    pthread_mutex_unlock(&g_pthread);
  }
}
BENCHMARK(BM_PthreadMutexContended)->Threads(2);

// Creating, locking and destroying a mutex: lock-state creation and retirement.
void BM_MutexCreateLockDestroy(benchmark::State &state) {
  for (auto _ : state) {
    pthread_mutex_t mutex;
    pthread_mutex_init(&mutex, nullptr);
    pthread_mutex_lock(&mutex);
    pthread_mutex_unlock(&mutex);
    pthread_mutex_destroy(&mutex);
    benchmark::DoNotOptimize(&mutex);
  }
}
BENCHMARK(BM_MutexCreateLockDestroy);

}  // namespace

BENCHMARK_MAIN();
