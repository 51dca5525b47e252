// Decimal formatting without allocation (async-signal-safe), shared by the
// runtime's string builder and its raw output path.
#pragma once
#include <cstddef>
#include <cstdint>

namespace interlock {

constexpr size_t kDecimalBufferSize = 24;  // 2^64 has 20 digits

// Writes `value` at the end of `buffer` and returns where its first digit is;
// the digits run to buffer + kDecimalBufferSize.
inline char *format_decimal(uint64_t value, char (&buffer)[kDecimalBufferSize]) {
  char *pos = buffer + kDecimalBufferSize;
  do {
    *--pos = char('0' + value % 10);
    value /= 10;
  } while (value);
  return pos;
}

}  // namespace interlock
