// Negative: heap address reuse. Each generation allocates two nodes holding
// a std::mutex (which never calls pthread_mutex_init/destroy), locks them in
// an order that alternates by generation, and frees them. glibc hands the
// same addresses to the next generation, so a detector that identifies locks
// by address alone sees X -> Y, then Y -> X. The nodes never coexist across
// generations: no deadlock. Every generation runs in its own thread, and all
// those threads stay alive until the end.
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include <semaphore.h>

struct Node {
  std::mutex mutex;
  long value = 0;
};

static constexpr int kGenerations = 8;

static void lock_pair(Node *first, Node *second) {
  first->mutex.lock();  // NOT: lock-order-inversion
  second->mutex.lock();  // NOT: lock-order-inversion
  first->value++;
  second->value--;
  second->mutex.unlock();
  first->mutex.unlock();
}

int main() {
  sem_t generation_done, all_done;
  sem_init(&generation_done, 0, 0);
  sem_init(&all_done, 0, 0);
  std::vector<std::thread> workers;
  const void *first_addresses[2] = {nullptr, nullptr};
  int reused = 0;
  for (int generation = 0; generation < kGenerations; generation++) {
    Node *older = new Node;
    Node *younger = new Node;
    if (generation == 0) {
      first_addresses[0] = older;
      first_addresses[1] = younger;
    } else if (older == first_addresses[0] && younger == first_addresses[1]) {
      reused++;
    }
    bool forward = generation % 2 == 0;
    workers.emplace_back([&, older, younger, forward] {
      if (forward) lock_pair(older, younger);
      else lock_pair(younger, older);
      sem_post(&generation_done);
      sem_wait(&all_done);
    });
    sem_wait(&generation_done);
    delete younger;  // freed in reverse so the next pair reuses both slots
    delete older;
  }
  for (int i = 0; i < kGenerations; i++) sem_post(&all_done);
  for (auto &worker : workers) worker.join();
  std::printf("generations reusing the first addresses: %d of %d\n", reused, kGenerations - 1);
  return 0;
}
