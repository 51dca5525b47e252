/* The top layer: threads using the module locks of layered_module.c. */
#include "layered_locks.h"

static long ledger_total;
static long touched_total;
static long unguarded_hits;

static void *post_entries(void *arg) {
  ledger_lock();
  ledger_total += 1;                                    /* NORACE */
  ledger_unlock();
  unguarded_hits += 1;                                  /* RACE */
  ledger_touch();
  touched_total += 1;                                   /* RACE */
  return arg;
}

static void *ledger_then_journal(void *arg) {
  ledger_lock();                                        /* DEADLOCK */
  journal_lock();                                       /* DEADLOCK */
  journal_unlock();
  ledger_unlock();
  return arg;
}

static void *journal_then_ledger(void *arg) {
  journal_lock();                                       /* DEADLOCK */
  ledger_lock();                                        /* DEADLOCK */
  ledger_unlock();
  journal_unlock();
  return arg;
}

void layered_locks_scenario(void) {
  pthread_t threads[4];
  pthread_create(&threads[0], 0, post_entries, 0);
  pthread_create(&threads[1], 0, post_entries, 0);
  pthread_create(&threads[2], 0, ledger_then_journal, 0);
  pthread_create(&threads[3], 0, journal_then_ledger, 0);
  for (int i = 0; i < 4; ++i)
    pthread_join(threads[i], 0);
}
