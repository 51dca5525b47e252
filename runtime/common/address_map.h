// A map from addresses to small values, for the runtime's own bookkeeping
// (not on the lock fast path): open addressing with linear probing, deletion
// by backward shift (no tombstones, so lookups stay short however many
// entries come and go), grown by doubling at half full. Memory from the
// internal allocator. Not thread-safe: callers hold their own lock.
#pragma once
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "common/internal_alloc.h"

namespace interlock {

template <typename V>
class AddressMap {
  static_assert(std::is_trivially_copyable<V>::value, "AddressMap holds trivially copyable values");

 public:
  AddressMap() = default;
  AddressMap(const AddressMap &) = delete;
  AddressMap &operator=(const AddressMap &) = delete;
  ~AddressMap() { internal_free(slots_); }

  size_t size() const { return size_; }

  // The value for `key`, or null.
  V *find(uintptr_t key) {
    if (!size_) return nullptr;
    for (size_t i = index_of(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == 0) return nullptr;
    }
  }

  // Inserts `key` -> `value` unless `key` is present. Returns whether it did.
  // Key 0 is reserved (an empty slot).
  bool insert(uintptr_t key, const V &value) {
    if (find(key)) return false;
    if ((size_ + 1) * 2 > capacity_) grow();
    size_t i = index_of(key);
    while (slots_[i].key != 0) i = (i + 1) & mask();
    slots_[i].key = key;
    slots_[i].value = value;
    ++size_;
    return true;
  }

  // Removes `key` if present. Returns whether it was.
  bool erase(uintptr_t key) {
    if (!size_) return false;
    size_t hole = index_of(key);
    while (slots_[hole].key != key) {
      if (slots_[hole].key == 0) return false;
      hole = (hole + 1) & mask();
    }
    // Backward shift: move up every later entry of the run that may not
    // stay behind the hole (its home is not cyclically in (hole, i]).
    for (size_t i = (hole + 1) & mask(); slots_[i].key != 0; i = (i + 1) & mask()) {
      size_t home = index_of(slots_[i].key);
      bool stays = hole <= i ? (hole < home && home <= i) : (hole < home || home <= i);
      if (stays) continue;
      slots_[hole] = slots_[i];
      hole = i;
    }
    slots_[hole].key = 0;
    --size_;
    return true;
  }

 private:
  struct Slot {
    uintptr_t key;
    V value;
  };

  size_t mask() const { return capacity_ - 1; }
  size_t index_of(uintptr_t key) const {
    uint64_t h = uint64_t(key) * 0x9e3779b97f4a7c15ull;
    return size_t(h >> 32) & mask();
  }

  void grow() {
    Slot *old = slots_;
    size_t old_capacity = capacity_;
    capacity_ = capacity_ ? capacity_ * 2 : 16;
    slots_ = static_cast<Slot *>(internal_alloc(capacity_ * sizeof(Slot)));  // zeroed: all empty
    size_ = 0;
    for (size_t i = 0; i < old_capacity; ++i)
      if (old[i].key != 0) insert(old[i].key, old[i].value);
    internal_free(old);
  }

  Slot *slots_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

}  // namespace interlock
