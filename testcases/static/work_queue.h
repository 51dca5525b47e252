// A minimal thread pool. interlock.yaml names WorkQueue::submit as a
// thread-pool submit function: its callable runs on another thread.
#pragma once

#include <functional>

class WorkQueue {
public:
  void submit(std::function<void()> task);
};
