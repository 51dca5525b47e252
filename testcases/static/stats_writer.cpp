#include "stats.h"

namespace stats {

long bytes_sent = 0;

void record_send(long bytes) {
  bytes_sent += bytes;                                  // RACE
}

} // namespace stats
