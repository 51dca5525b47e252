// Entry points of the testcase scenarios, called one after the other by main().
#pragma once

namespace global_counter { void run(); }
namespace account { void run(); }
namespace lambda_capture { void run(); }
namespace async_task { void run(); }
namespace container { void run(); }
namespace bank { void run(); }
namespace stats { void run(); }
namespace transfer { void run(); }
namespace lock_order_negatives { void run(); }
namespace double_lock { void run(); }
namespace race_negatives { void run(); }
namespace pool_user { void run(); }
namespace kv_store { void run(); }

extern "C" {
void pthread_arg_scenario(void);
void ring_scenario(void);
void c_locks_scenario(void);
void layered_locks_scenario(void);
}
