// leveldb idioms (see port_mutex.h): a store whose methods lock through the
// wrapper in both spellings, unlock around slow work inside a REQUIRES
// method, copy a pointer under the lock and use the copy unlocked, wait on
// a condition variable that adopts the mutex, and fill out-parameters. One
// real race remains: a statistic bumped outside the lock.
#include <string>
#include <thread>

#include "port_mutex.h"
#include "scenarios.h"

namespace kv_store {

struct Table {
  int entries = 0;
  int Lookup(int key) const { return key < entries ? key : -1; }
};

void slow_io() {}

class Store {
public:
  void Put(int key) {
    port::MutexLock l(&mutex_);
    MakeRoom();
    puts_ = key;                        // NORACE -- MutexLock names `mutex_`
    background_done_.SignalAll();
  }
  int Get(int key) {
    mutex_.Lock();
    Table *table = table_;              // NORACE
    int seen = puts_;                   // NORACE -- Lock()'s body locks `mutex_.mu_`: the same lock
    mutex_.Unlock();
    lookups_++;                         // RACE
    return table->Lookup(key) + seen;   // NORACE -- the local copy, not `table_`
  }
  void WaitForPuts(int n) {
    port::MutexLock l(&mutex_);         // NODEADLOCK NODOUBLELOCK
    while (puts_ < n)
      background_done_.Wait();          // NODEADLOCK NODOUBLELOCK -- adopts the held mutex
    lookups_ = 0;                       // RACE mentions=mutex_
  }
  bool Open(const std::string &name, Table **result) {
    *result = new Table;                // NORACE -- the caller's variable
    (*result)->entries = static_cast<int>(name.size()); // NORACE
    return true;
  }

private:
  void MakeRoom() PORT_REQUIRES(mutex_) {
    if (table_->entries > 1000) {
      mutex_.Unlock();
      slow_io();
      mutex_.Lock();                    // NODOUBLELOCK -- the caller's lock was let go
    }
  }

  port::Mutex mutex_;
  port::CondVar background_done_{&mutex_};
  Table *table_ PORT_GUARDED_BY(mutex_) = new Table;
  int puts_ PORT_GUARDED_BY(mutex_) = 0;
  int lookups_ = 0;
};

Store store;

void run() {
  std::thread writer([] {
    for (int i = 0; i < 3; ++i)
      store.Put(i);
  });
  std::thread reader([] { store.Get(1); });
  writer.join();
  reader.join();
  store.WaitForPuts(3);
}

} // namespace kv_store
