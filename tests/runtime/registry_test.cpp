// Lock identity: the same lock keeps its identity, a re-born lock (init,
// memory reuse by a new object) gets a new one.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <mutex>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include "core/lock_registry.h"

namespace interlock {
namespace {

TEST(Registry, SameMutexSameIdentity) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  LockState *a = lookup_mutex(&m);
  LockState *b = lookup_mutex(&m);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a->id, b->id);
  EXPECT_EQ(a->kind, LockKind::kMutex);
}

TEST(Registry, ReinitGivesNewIdentity) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  uint64_t first = lookup_mutex(&m)->id;
  pthread_mutex_destroy(&m);
  pthread_mutex_init(&m, nullptr);  // glibc zeroes the mutex: the tag is gone
  rebirth_lock(&m);
  EXPECT_NE(lookup_mutex(&m)->id, first);
}

TEST(Registry, HeapReuseGivesNewIdentity) {
  // std::mutex never calls init/destroy; its constructor zeroes the memory.
  alignas(std::mutex) unsigned char storage[sizeof(std::mutex)];
  std::set<uint64_t> ids;
  for (int generation = 0; generation < 100; ++generation) {
    auto *m = new (storage) std::mutex;
    LockState *state = lookup_mutex(m->native_handle());
    EXPECT_EQ(state->address, reinterpret_cast<uintptr_t>(storage));
    EXPECT_EQ(lookup_mutex(m->native_handle())->id, state->id);  // stable while alive
    ids.insert(state->id);
    m->~mutex();
  }
  EXPECT_EQ(ids.size(), 100u);
}

uint64_t stack_mutex_identity(bool touch) {
  std::mutex m;  // lands at the same address on every call
  uint64_t id = lookup_mutex(m.native_handle())->id;
  if (touch) EXPECT_EQ(lookup_mutex(m.native_handle())->id, id);
  return id;
}

TEST(Registry, StackReuseGivesNewIdentity) {
  uint64_t first = stack_mutex_identity(true);
  uint64_t second = stack_mutex_identity(false);
  EXPECT_NE(first, second);
}

TEST(Registry, RecursiveKindIsSeen) {
  std::recursive_mutex m;
  EXPECT_EQ(lookup_mutex(m.native_handle())->kind, LockKind::kRecursiveMutex);
}

TEST(Registry, RwlockIdentityAndReuse) {
  alignas(pthread_rwlock_t) unsigned char storage[sizeof(pthread_rwlock_t)];
  auto *rw = new (storage) pthread_rwlock_t(PTHREAD_RWLOCK_INITIALIZER);
  LockState *a = lookup_rwlock(rw);
  EXPECT_EQ(lookup_rwlock(rw), a);
  EXPECT_EQ(a->kind, LockKind::kRwLock);
  uint64_t first = a->id;
  memset(storage, 0, sizeof(storage));  // a new rwlock in the same memory
  EXPECT_NE(lookup_rwlock(rw)->id, first);
}

TEST(Registry, ProcessSharedMutexIsNotTaggedButStable) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutex_t m;
  pthread_mutex_init(&m, &attr);
  LockState *a = lookup_mutex(&m);
  EXPECT_EQ(m.__data.__list.__next, nullptr);  // the shared memory is left alone
  EXPECT_EQ(lookup_mutex(&m), a);
  pthread_mutex_destroy(&m);
}

TEST(Registry, ForeignTagIsNotTrusted) {
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  // Garbage in the spare field (e.g. a mutex memcpy'd from elsewhere).
  m.__data.__list.__next = reinterpret_cast<__pthread_list_t *>(0x1234567812345678ull);
  LockState *state = lookup_mutex(&m);
  EXPECT_EQ(state->address, reinterpret_cast<uintptr_t>(&m));
  EXPECT_EQ(lookup_mutex(&m), state);
}

TEST(Registry, CopiedMutexIsADifferentLock) {
  pthread_mutex_t a = PTHREAD_MUTEX_INITIALIZER;
  LockState *sa = lookup_mutex(&a);
  pthread_mutex_t b;
  memcpy(&b, &a, sizeof(a));  // tag copied along, but the address differs
  LockState *sb = lookup_mutex(&b);
  EXPECT_NE(sa, sb);
  EXPECT_NE(sa->id, sb->id);
}

TEST(Registry, MillionLiveLocks) {
  const size_t n = 1000000;
  std::unique_ptr<pthread_mutex_t[]> locks(new pthread_mutex_t[n]());
  std::vector<uint64_t> ids(n);
  for (size_t i = 0; i < n; ++i) ids[i] = lookup_mutex(&locks[i])->id;
  for (size_t i = 0; i < n; i += 997) EXPECT_EQ(lookup_mutex(&locks[i])->id, ids[i]);
  std::set<uint64_t> distinct(ids.begin(), ids.end());
  EXPECT_EQ(distinct.size(), n);
}

TEST(Registry, SpinLocksByAddress) {
  pthread_spinlock_t spin;
  pthread_spin_init(&spin, 0);
  LockState *a = lookup_plain(const_cast<const int *>(&spin), LockKind::kSpinLock);
  EXPECT_EQ(lookup_plain(const_cast<const int *>(&spin), LockKind::kSpinLock), a);
  uint64_t first = a->id;
  rebirth_lock(const_cast<const int *>(&spin));
  EXPECT_NE(a->id, first);
  pthread_spin_destroy(&spin);
}

// Locks without a tag (spin locks, process-shared mutexes) are found by
// address: the bucket array grows with the number of states (it used to be a
// fixed 8 MiB array), and every lock keeps its one state through the growth,
// also while other threads look locks up meanwhile.
TEST(Registry, AddressTableGrowsAndKeepsEveryLock) {
  const size_t per_thread = 150000;
  std::unique_ptr<int[]> locks(new int[2 * per_thread]());  // stand-ins for spin locks: only addresses matter
  std::vector<LockState *> states(2 * per_thread);
  auto look_up_range = [&](size_t first) {
    for (size_t i = first; i < first + per_thread; ++i)
      states[i] = lookup_plain(&locks[i], LockKind::kSpinLock);
  };
  std::thread other(look_up_range, per_thread);
  look_up_range(0);
  other.join();
  std::set<LockState *> distinct(states.begin(), states.end());
  EXPECT_EQ(distinct.size(), 2 * per_thread);
  for (size_t i = 0; i < 2 * per_thread; ++i) {
    ASSERT_EQ(lookup_plain(&locks[i], LockKind::kSpinLock), states[i]) << i;
    ASSERT_EQ(find_lock(&locks[i]), states[i]) << i;
    ASSERT_EQ(states[i]->address, reinterpret_cast<uintptr_t>(&locks[i]));
  }
}

}  // namespace
}  // namespace interlock
