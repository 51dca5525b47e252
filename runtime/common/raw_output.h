// Async-signal-safe output straight to a file descriptor (write(2), no stdio,
// no malloc): usable from hooks, signal handlers and exit paths.
#pragma once
#include <cstddef>
#include <cstdint>

namespace interlock {

void raw_write(int fd, const char *data, size_t size);
void raw_write_str(const char *text, int fd = 2);
void raw_write_u64(uint64_t value, int fd = 2);

}  // namespace interlock
