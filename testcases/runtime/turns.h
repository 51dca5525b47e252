/* Deterministic interleavings for the runtime testcases.
 *
 * A testcase that needs "thread 1 takes A then B, later thread 2 takes B then
 * A" must record both lock orders without ever really deadlocking. Thread k
 * calls turn_begin(k) before its locking section and turn_end(k) after it:
 * turn_begin(k) waits until turn k-1 has ended. All threads are created up
 * front, so they exist at the same time (the runtime may not assume the
 * sections were ordered), but their locking sections never overlap.
 *
 * The runtime treats POSIX semaphores as waits, never as locks, so the
 * sequencing itself adds no lock-graph edges.
 */
#ifndef INTERLOCK_TESTCASE_TURNS_H
#define INTERLOCK_TESTCASE_TURNS_H

#include <errno.h>
#include <semaphore.h>

#define TURNS_MAX 64

static sem_t turns_done[TURNS_MAX];

static void turns_init(void) {
  for (int i = 0; i < TURNS_MAX; i++) sem_init(&turns_done[i], 0, 0);
}

/* Blocks until turn k-1 has ended (turn 0 never waits). */
static void turn_begin(int k) {
  if (k <= 0) return;
  while (sem_wait(&turns_done[k - 1]) != 0 && errno == EINTR) {
  }
}

/* Marks turn k as ended, letting turn k+1 begin. */
static void turn_end(int k) { sem_post(&turns_done[k]); }

#endif
