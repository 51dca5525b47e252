/* Seconds since the first call (CLOCK_MONOTONIC): bounds the testcases. */
#ifndef INTERLOCK_LIVENESS_ELAPSED_H
#define INTERLOCK_LIVENESS_ELAPSED_H
#include <time.h>

static double elapsed_seconds(void) {
  static struct timespec start;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (start.tv_sec == 0 && start.tv_nsec == 0) start = now;
  return (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
}

static void sleep_us(long us) {
  struct timespec pause = {us / 1000000, (us % 1000000) * 1000};
  nanosleep(&pause, NULL);
}
#endif
