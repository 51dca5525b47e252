#include "core/thread_state.h"

#include <pthread.h>
#include <sys/mman.h>

#include "common/internal_alloc.h"
#include "common/spin_lock.h"

namespace interlock {

__thread ThreadState *t_current_thread __attribute__((tls_model("initial-exec")));

namespace {

__thread uint32_t t_pending_tid __attribute__((tls_model("initial-exec")));
__thread bool t_creating __attribute__((tls_model("initial-exec")));
__thread uintptr_t t_pending_stack_lo __attribute__((tls_model("initial-exec")));
__thread uintptr_t t_pending_stack_hi __attribute__((tls_model("initial-exec")));

constexpr uint32_t kChunkBits = 12;
constexpr uint32_t kChunkSize = 1u << kChunkBits;
constexpr uint32_t kMaxChunks = 1u << 20;

SpinLock g_threads_lock;
ThreadState *g_free_states;
std::atomic<std::atomic<ThreadState *> *> *g_by_tid;
// Per chunk of the tid table: how many of its tids have ended. Tids are
// never reused, so a chunk whose every tid ended is never written again: its
// pages are given back (they read as null, "no live thread"). The table then
// costs memory for the threads alive at once, not for every thread that ever
// ran (8 bytes each otherwise).
uint16_t *g_ended_per_chunk;
std::atomic<uint32_t> g_next_tid{1};   // 0 is "no owner"; shown as T(tid-1)
pthread_key_t g_exit_key;
bool g_key_ready;
void (*g_on_exit)(ThreadState *);

std::atomic<ThreadState *> *tid_ref(uint32_t tid, bool create) {
  uint32_t chunk = tid >> kChunkBits;
  if (chunk >= kMaxChunks) return nullptr;
  std::atomic<ThreadState *> *entries = g_by_tid[chunk].load(std::memory_order_acquire);
  if (!entries && create) {
    entries = static_cast<std::atomic<ThreadState *> *>(reserve_zeroed(kChunkSize * sizeof(std::atomic<ThreadState *>)));
    g_by_tid[chunk].store(entries, std::memory_order_release);
  }
  return entries ? &entries[tid & (kChunkSize - 1)] : nullptr;
}

// Under g_threads_lock.
void note_tid_ended(uint32_t tid) {
  uint32_t chunk = tid >> kChunkBits;
  if (chunk >= kMaxChunks || !g_ended_per_chunk) return;
  if (++g_ended_per_chunk[chunk] < kChunkSize - (chunk == 0 ? 1 : 0)) return;  // tid 0 is never used
  std::atomic<ThreadState *> *entries = g_by_tid[chunk].load(std::memory_order_relaxed);
  if (entries) madvise(entries, kChunkSize * sizeof(std::atomic<ThreadState *>), MADV_DONTNEED);
}

void key_destructor(void *value) {
  auto *state = static_cast<ThreadState *>(value);
  if (!state) return;
  if (g_on_exit) g_on_exit(state);
  release_thread_state(state);
}

void find_stack_bounds(ThreadState *state) {
  if (t_pending_stack_hi) {  // found by the creator: no allocation in this thread
    state->stack_lo = t_pending_stack_lo;
    state->stack_hi = t_pending_stack_hi;
    return;
  }
  pthread_attr_t attr;
  void *base = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &base, &size);
    pthread_attr_destroy(&attr);
  }
  state->stack_lo = reinterpret_cast<uintptr_t>(base);
  state->stack_hi = state->stack_lo + size;
}

ThreadState *create_state() {
  ThreadState *state;
  {
    SpinGuard guard(g_threads_lock);
    if (!g_by_tid) {
      g_by_tid = static_cast<std::atomic<std::atomic<ThreadState *> *> *>(
          reserve_zeroed(kMaxChunks * sizeof(std::atomic<std::atomic<ThreadState *> *>)));
      g_ended_per_chunk = static_cast<uint16_t *>(reserve_zeroed(kMaxChunks * sizeof(uint16_t)));
    }
    state = g_free_states;
    if (state) g_free_states = state->next_free;
  }
  if (!state) state = internal_new<ThreadState>();
  state->next_free = nullptr;
  state->tid = t_pending_tid ? t_pending_tid : reserve_tid();
  state->held_count.store(0, std::memory_order_relaxed);
  state->waiting_for.store(nullptr, std::memory_order_relaxed);
  state->in_runtime = 0;
  state->alive.store(true, std::memory_order_release);
  {
    SpinGuard guard(g_threads_lock);
    if (std::atomic<ThreadState *> *ref = tid_ref(state->tid, true)) ref->store(state, std::memory_order_release);
  }
  return state;
}

}  // namespace

uint32_t reserve_tid() { return g_next_tid.fetch_add(1, std::memory_order_relaxed); }
void set_pending_tid(uint32_t tid) { t_pending_tid = tid; }
void set_pending_stack_bounds(uintptr_t lo, uintptr_t hi) {
  t_pending_stack_lo = lo;
  t_pending_stack_hi = hi;
}
uint32_t thread_tid_limit() { return g_next_tid.load(std::memory_order_acquire); }

ThreadState *current_thread_slow() {
  ThreadState *state;
  if (t_creating) return nullptr;  // a hook called while creating the state
  t_creating = true;
  state = create_state();
  ++state->in_runtime;
  find_stack_bounds(state);  // may lock internally (main thread reads /proc)
  if (!g_key_ready) {
    SpinGuard guard(g_threads_lock);
    if (!g_key_ready) {
      pthread_key_create(&g_exit_key, key_destructor);
      g_key_ready = true;
    }
  }
  pthread_setspecific(g_exit_key, state);
  --state->in_runtime;
  t_current_thread = state;
  t_creating = false;
  return state;
}

ThreadState *thread_by_tid(uint32_t tid) {
  if (!tid || !g_by_tid) return nullptr;
  std::atomic<ThreadState *> *ref = tid_ref(tid, false);
  ThreadState *state = ref ? ref->load(std::memory_order_acquire) : nullptr;
  return state && state->tid == tid && state->alive.load(std::memory_order_acquire) ? state : nullptr;
}

void install_thread_exit_hook(void (*on_exit)(ThreadState *)) { g_on_exit = on_exit; }

void threads_fork_lock() { g_threads_lock.lock(); }
void threads_fork_unlock() { g_threads_lock.unlock(); }

// Only the forking thread exists in the child: the others' states are
// retired, so exit-time checks do not report locks of threads that are not
// there (their locks stay held in the child, as glibc leaves them).
void threads_after_fork_child(ThreadState *survivor) {
  uint32_t limit = g_next_tid.load(std::memory_order_relaxed);
  for (uint32_t tid = 1; tid < limit; ++tid) {
    std::atomic<ThreadState *> *ref = g_by_tid ? tid_ref(tid, false) : nullptr;
    ThreadState *state = ref ? ref->load(std::memory_order_relaxed) : nullptr;
    if (!state || state == survivor) continue;
    state->alive.store(false, std::memory_order_relaxed);
    state->waiting_for.store(nullptr, std::memory_order_relaxed);
    ref->store(nullptr, std::memory_order_relaxed);
  }
}

void release_thread_state(ThreadState *state) {
  state->alive.store(false, std::memory_order_release);
  state->waiting_for.store(nullptr, std::memory_order_release);
  if (t_current_thread == state) t_current_thread = nullptr;
  SpinGuard guard(g_threads_lock);
  if (std::atomic<ThreadState *> *ref = tid_ref(state->tid, false)) ref->store(nullptr, std::memory_order_release);
  note_tid_ended(state->tid);
  state->next_free = g_free_states;
  g_free_states = state;
}

HeldLock *held_push(ThreadState *thread, const HeldLock &entry) {
  HeldLock *slot = held_emplace(thread);
  *slot = entry;
  held_commit(thread);
  return slot;
}

HeldLock *held_grow(ThreadState *thread) {
  uint32_t count = thread->held_count.load(std::memory_order_relaxed);
  HeldLock *array = thread->held.load(std::memory_order_relaxed);
  uint32_t capacity = thread->held_capacity ? thread->held_capacity * 2 : 16;
  auto *grown = static_cast<HeldLock *>(internal_alloc(capacity * sizeof(HeldLock)));
  if (count) memcpy(static_cast<void *>(grown), array, count * sizeof(HeldLock));
  thread->held.store(grown, std::memory_order_release);  // old array leaked on purpose
  thread->held_capacity = capacity;
  return &grown[count];
}

void held_remove_middle(ThreadState *thread, HeldLock *entry) {
  uint32_t count = held_size(thread);
  HeldLock *array = thread->held.load(std::memory_order_relaxed);
  uint32_t index = uint32_t(entry - array);
  memmove(static_cast<void *>(&array[index]), &array[index + 1], (count - index - 1) * sizeof(HeldLock));
  thread->held_count.store(count - 1, std::memory_order_release);
}

}  // namespace interlock
