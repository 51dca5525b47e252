/* The middle layer: module locks taken through layered_lowlevel.c. */
#include "layered_locks.h"

static pthread_mutex_t ledger_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t journal_mu = PTHREAD_MUTEX_INITIALIZER;

void ledger_lock(void) {
  layered_mutex_lock(&ledger_mu);
}

void ledger_unlock(void) {
  layered_mutex_unlock(&ledger_mu);
}

void journal_lock(void) {
  layered_mutex_lock(&journal_mu);
}

void journal_unlock(void) {
  layered_mutex_unlock(&journal_mu);
}

void ledger_touch(void) {
  layered_mutex_lock(&ledger_mu);
  layered_mutex_unlock(&ledger_mu);
}
