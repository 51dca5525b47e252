// Negative: a recursive mutex re-entered while another lock is held. The
// re-entry cannot block (the thread already owns it), so it must not add a
// `registry -> tree` edge that would close a cycle with `tree -> registry`.
#include <pthread.h>
#include <stddef.h>

#include "turns.h"

static pthread_mutex_t tree_lock;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static int nodes;

static void *register_node(void *arg) {
  (void)arg;
  turn_begin(0);
  pthread_mutex_lock(&tree_lock);  // NOT: lock-order-inversion
  pthread_mutex_lock(&registry_lock);  // NOT: lock-order-inversion
  nodes++;
  pthread_mutex_unlock(&registry_lock);
  pthread_mutex_unlock(&tree_lock);
  turn_end(0);
  return NULL;
}

static void *visit_nested(void *arg) {
  (void)arg;
  turn_begin(1);
  pthread_mutex_lock(&tree_lock);  // NOT: lock-order-inversion
  pthread_mutex_lock(&registry_lock);  // NOT: lock-order-inversion
  pthread_mutex_lock(&tree_lock);  // NOT: lock-order-inversion
  nodes++;
  pthread_mutex_unlock(&tree_lock);
  pthread_mutex_unlock(&registry_lock);
  pthread_mutex_unlock(&tree_lock);
  turn_end(1);
  return NULL;
}

int main(void) {
  pthread_t one, two;
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init(&tree_lock, &attr);
  pthread_mutexattr_destroy(&attr);
  turns_init();
  pthread_create(&one, NULL, register_node, NULL);
  pthread_create(&two, NULL, visit_nested, NULL);
  pthread_join(one, NULL);
  pthread_join(two, NULL);
  pthread_mutex_destroy(&tree_lock);
  return nodes == 2 ? 0 : 1;
}
