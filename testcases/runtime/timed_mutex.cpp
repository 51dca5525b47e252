// std::timed_mutex: try_lock_for (pthread_mutex_clocklock in glibc >= 2.30)
// acquires `device` with a timeout, then `buffer` is locked normally; another
// thread takes `buffer` then `device`. Only the acquisition of the FIRST lock
// was timed, so the second thread can still block for ever on it: the
// (timed device, buffer) vs (buffer, device) cycle is a potential deadlock.
#include <chrono>
#include <mutex>
#include <thread>

#include "turns.h"

static std::timed_mutex device;
static std::timed_mutex buffer;
static int frames;

static void capture() {
  if (device.try_lock_for(std::chrono::seconds(5))) {  // EXPECT: lock-order-inversion
    buffer.lock();  // EXPECT: lock-order-inversion
    frames++;
    buffer.unlock();
    device.unlock();
  }
}

static void drain() {
  buffer.lock();  // EXPECT: lock-order-inversion
  device.lock();  // EXPECT: lock-order-inversion
  frames = 0;
  device.unlock();
  buffer.unlock();
}

int main() {
  turns_init();
  std::thread camera([] {
    turn_begin(0);
    capture();
    turn_end(0);
  });
  std::thread consumer([] {
    turn_begin(1);
    drain();
    turn_end(1);
  });
  camera.join();
  consumer.join();
  return frames;
}
