#include "common/raw_output.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "common/decimal.h"

namespace interlock {

void raw_write(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    data += written;
    size -= size_t(written);
  }
}

void raw_write_str(const char *text, int fd) { raw_write(fd, text, strlen(text)); }

void raw_write_u64(uint64_t value, int fd) {
  char buffer[kDecimalBufferSize];
  const char *digits = format_decimal(value, buffer);
  raw_write(fd, digits, size_t(buffer + kDecimalBufferSize - digits));
}

}  // namespace interlock
