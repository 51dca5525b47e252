// Runs every scenario in turn; each joins the threads it starts (except the
// work queue's detached workers, which come last).
#include "scenarios.h"

int main() {
  global_counter::run();
  account::run();
  lambda_capture::run();
  async_task::run();
  container::run();
  bank::run();
  stats::run();
  transfer::run();
  lock_order_negatives::run();
  double_lock::run();
  race_negatives::run();
  pthread_arg_scenario();
  ring_scenario();
  c_locks_scenario();
  layered_locks_scenario();
  kv_store::run();
  pool_user::run();
  return 0;
}
