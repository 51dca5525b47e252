#include "work_queue.h"

#include <thread>

void WorkQueue::submit(std::function<void()> task) {
  std::thread(std::move(task)).detach();
}
