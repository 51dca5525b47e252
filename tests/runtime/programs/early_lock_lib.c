// A shared library whose constructor locks before the runtime's constructor
// has run: the dynamic loader initialises the program's libraries before a
// preloaded one (libLLVM's static initialisers do this; clang crashed under
// LD_PRELOAD until the first hook resolved the real functions itself).
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t entry_lock = PTHREAD_MUTEX_INITIALIZER;

__attribute__((constructor)) static void register_early(void) {
  pthread_mutex_lock(&registry_lock);
  pthread_mutex_lock(&entry_lock);  // nested: an edge recorded this early
  pthread_mutex_unlock(&entry_lock);
  pthread_mutex_unlock(&registry_lock);
  printf("library constructor ran\n");
}
