// Minimal growable containers on the internal allocator (no malloc, no
// exceptions). Vec holds trivially copyable values only.
#pragma once
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "common/decimal.h"
#include "common/internal_alloc.h"

namespace interlock {

template <typename T>
class Vec {
  static_assert(std::is_trivially_copyable<T>::value, "Vec holds trivially copyable values");

 public:
  Vec() = default;
  Vec(const Vec &other) { *this = other; }
  Vec &operator=(const Vec &other) {
    if (this == &other) return *this;
    clear();
    reserve(other.size_);
    if (other.size_) memcpy(static_cast<void *>(data_), other.data_, other.size_ * sizeof(T));
    size_ = other.size_;
    return *this;
  }
  Vec(Vec &&other) noexcept : data_(other.data_), size_(other.size_), capacity_(other.capacity_) {
    other.data_ = nullptr;
    other.size_ = other.capacity_ = 0;
  }
  Vec &operator=(Vec &&other) noexcept {
    if (this != &other) {
      internal_free(data_);
      data_ = other.data_;
      size_ = other.size_;
      capacity_ = other.capacity_;
      other.data_ = nullptr;
      other.size_ = other.capacity_ = 0;
    }
    return *this;
  }
  ~Vec() { internal_free(data_); }

  void push_back(const T &value) {
    if (size_ == capacity_) reserve(capacity_ ? capacity_ * 2 : 8);
    data_[size_++] = value;
  }
  void pop_back() { --size_; }
  void reserve(size_t wanted) {
    if (wanted <= capacity_) return;
    data_ = static_cast<T *>(internal_realloc(data_, size_ * sizeof(T), wanted * sizeof(T)));
    capacity_ = wanted;
  }
  void resize(size_t n) {
    if (n > capacity_) reserve(n > capacity_ * 2 ? n : capacity_ * 2);  // geometric: appends stay linear
    if (n > size_) memset(static_cast<void *>(data_ + size_), 0, (n - size_) * sizeof(T));
    size_ = n;
  }
  void clear() { size_ = 0; }
  void erase_at(size_t index) {
    memmove(static_cast<void *>(data_ + index), data_ + index + 1, (size_ - index - 1) * sizeof(T));
    --size_;
  }
  bool contains(const T &value) const {
    for (size_t i = 0; i < size_; ++i)
      if (data_[i] == value) return true;
    return false;
  }

  T *begin() { return data_; }
  T *end() { return data_ + size_; }
  const T *begin() const { return data_; }
  const T *end() const { return data_ + size_; }
  T &operator[](size_t i) { return data_[i]; }
  const T &operator[](size_t i) const { return data_[i]; }
  T &back() { return data_[size_ - 1]; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T *data() { return data_; }

 private:
  T *data_ = nullptr;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// A growable, always NUL-terminated string builder.
class Str {
 public:
  Str() = default;
  Str(const char *text) { append(text); }
  Str(const Str &other) { append(other.c_str(), other.size()); }
  Str &operator=(const Str &other) {
    if (this != &other) {
      clear();
      append(other.c_str(), other.size());
    }
    return *this;
  }
  Str(Str &&other) noexcept : chars_(static_cast<Vec<char> &&>(other.chars_)) {}
  Str &operator=(Str &&other) noexcept {
    chars_ = static_cast<Vec<char> &&>(other.chars_);
    return *this;
  }

  Str &append(const char *text, size_t n) {
    if (chars_.empty()) chars_.push_back('\0');
    size_t old = chars_.size() - 1;
    chars_.resize(old + n + 1);
    memcpy(chars_.data() + old, text, n);
    chars_[old + n] = '\0';
    return *this;
  }
  Str &append(const char *text) { return append(text ? text : "(null)", strlen(text ? text : "(null)")); }
  Str &append(const Str &text) { return append(text.c_str(), text.size()); }
  Str &append_char(char c) { return append(&c, 1); }
  Str &append_u64(uint64_t value) {
    char buffer[kDecimalBufferSize];
    const char *digits = format_decimal(value, buffer);
    return append(digits, size_t(buffer + kDecimalBufferSize - digits));
  }
  Str &append_i64(int64_t value) {
    if (value < 0) {
      append_char('-');
      return append_u64(uint64_t(-value));
    }
    return append_u64(uint64_t(value));
  }
  Str &append_hex(uint64_t value, int min_digits = 1) {
    char buffer[20];
    int pos = sizeof(buffer);
    do {
      buffer[--pos] = "0123456789abcdef"[value & 15];
      value >>= 4;
      --min_digits;
    } while (value || min_digits > 0);
    return append(buffer + pos, sizeof(buffer) - pos);
  }
  Str &operator<<(const char *text) { return append(text); }
  Str &operator<<(const Str &text) { return append(text); }

  const char *c_str() const { return chars_.empty() ? "" : chars_.begin(); }
  size_t size() const { return chars_.empty() ? 0 : chars_.size() - 1; }
  bool empty() const { return size() == 0; }
  void clear() { chars_.clear(); }
  bool operator==(const Str &other) const { return size() == other.size() && memcmp(c_str(), other.c_str(), size()) == 0; }
  bool equals(const char *text) const { return strcmp(c_str(), text) == 0; }
  bool starts_with(const char *prefix) const { return strncmp(c_str(), prefix, strlen(prefix)) == 0; }
  bool contains(const char *needle) const { return strstr(c_str(), needle) != nullptr; }

 private:
  Vec<char> chars_;
};

inline uint64_t fnv1a(const char *data, size_t n, uint64_t hash = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    hash ^= uint8_t(data[i]);
    hash *= 1099511628211ull;
  }
  return hash;
}

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  x ^= x >> 33;
  return x;
}

}  // namespace interlock

namespace interlock {

// A global container without a destructor. Relies on the all-zero state
// being the default-constructed one (true for Vec, Str and structs of them):
// exit-time code (atexit, signal handlers) may still use it after C++ static
// destructors ran, and the runtime must not depend on their order.
template <typename T>
class Global {
 public:
  T &get() { return *reinterpret_cast<T *>(storage_); }
  T *operator->() { return &get(); }
  T &operator*() { return get(); }

 private:
  alignas(T) unsigned char storage_[sizeof(T)];
};

}  // namespace interlock
