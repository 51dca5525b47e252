// A listener callback runs while the registry mutex is held and takes the
// log mutex; elsewhere the log flusher holds the log mutex and looks at the
// registry. The inversion spans a call through std::function: the edge
// registry_mutex -> log_mutex is recorded inside the callback.
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "turns.h"

static std::mutex registry_mutex;
static std::mutex log_mutex;
static std::vector<std::function<void(int)>> listeners;
static int logged_events;

static void log_event(int event) {
  std::lock_guard<std::mutex> guard(log_mutex);  // EXPECT: lock-order-inversion
  logged_events += event;
}

static void publish(int event) {
  std::lock_guard<std::mutex> guard(registry_mutex);  // EXPECT: lock-order-inversion
  for (auto &listener : listeners) listener(event);
}

static void flush_log() {
  std::lock_guard<std::mutex> guard(log_mutex);  // EXPECT: lock-order-inversion
  std::lock_guard<std::mutex> registry_guard(registry_mutex);  // EXPECT: lock-order-inversion
  logged_events += static_cast<int>(listeners.size());
}

int main() {
  turns_init();
  listeners.push_back(log_event);
  std::thread publisher([] {
    turn_begin(0);
    publish(1);
    turn_end(0);
  });
  std::thread flusher([] {
    turn_begin(1);
    flush_log();
    turn_end(1);
  });
  publisher.join();
  flusher.join();
  return 0;
}
