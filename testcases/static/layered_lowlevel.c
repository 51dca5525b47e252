/* The lowest layer: thin wrappers around pthread (see layered_locks.h). */
#include "layered_locks.h"

void layered_mutex_lock(pthread_mutex_t *m) {
  pthread_mutex_lock(m);
}

void layered_mutex_unlock(pthread_mutex_t *m) {
  pthread_mutex_unlock(m);
}
