// A non-recursive mutex locked again by the thread that already holds it:
// a self-deadlock. The runtime must report it before calling the real lock
// (which would never return); halt_on_error=1 then ends the process.
// RUN-OPTIONS: halt_on_error=1
// EXPECT-EXIT: 66
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t config_lock = PTHREAD_MUTEX_INITIALIZER;
static int config_version;

static void reload_config(void) {
  pthread_mutex_lock(&config_lock);  // EXPECT: double-lock
  config_version++;
  pthread_mutex_unlock(&config_lock);
}

int main(void) {
  pthread_mutex_lock(&config_lock);  // EXPECT: double-lock
  reload_config();
  pthread_mutex_unlock(&config_lock);
  printf("version %d\n", config_version);
  return 0;
}
