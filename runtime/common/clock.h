// The runtime's one clock: CLOCK_MONOTONIC in nanoseconds (vDSO, no lock,
// async-signal-safe).
#pragma once
#include <cstdint>
#include <ctime>

namespace interlock {

inline uint64_t monotonic_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

}  // namespace interlock
