/* C look-alikes that are fine: a counter always under its pthread mutex,
 * a consistent lock order, a trylock back-off, an rwlock. */
#include <pthread.h>

static pthread_mutex_t stock_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t shelf_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_rwlock_t catalog_lock = PTHREAD_RWLOCK_INITIALIZER;
static long stock_level;
static long catalog_size;

static void *restock(void *arg) {
  pthread_mutex_lock(&stock_mu);                        /* NODEADLOCK */
  pthread_mutex_lock(&shelf_mu);                        /* NODEADLOCK */
  stock_level += 10;                                    /* NORACE */
  pthread_mutex_unlock(&shelf_mu);
  pthread_mutex_unlock(&stock_mu);
  return arg;
}

static void *sell(void *arg) {
  pthread_mutex_lock(&shelf_mu);                        /* NODEADLOCK */
  if (pthread_mutex_trylock(&stock_mu) == 0) {          /* NODEADLOCK */
    stock_level -= 1;                                   /* NORACE */
    pthread_mutex_unlock(&stock_mu);
  }
  pthread_mutex_unlock(&shelf_mu);
  return arg;
}

static void *browse(void *arg) {
  long seen;
  pthread_rwlock_rdlock(&catalog_lock);
  seen = catalog_size;                                  /* NORACE */
  pthread_rwlock_unlock(&catalog_lock);
  (void)seen;
  return arg;
}

static void *publish(void *arg) {
  pthread_rwlock_wrlock(&catalog_lock);
  catalog_size += 1;                                    /* NORACE */
  pthread_rwlock_unlock(&catalog_lock);
  return arg;
}

void c_locks_scenario(void) {
  pthread_t threads[4];
  pthread_create(&threads[0], 0, restock, 0);
  pthread_create(&threads[1], 0, sell, 0);
  pthread_create(&threads[2], 0, browse, 0);
  pthread_create(&threads[3], 0, publish, 0);
  for (int i = 0; i < 4; ++i)
    pthread_join(threads[i], 0);
}
