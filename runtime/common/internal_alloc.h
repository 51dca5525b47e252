// The runtime's own allocator: memory comes from mmap, never from malloc, so a
// hook never recurses into malloc (which may itself be mid-operation in the
// intercepted thread) and the runtime never changes the program's heap layout
// (which would change address reuse, the thing lock identity has to survive).
#pragma once
#include <cstddef>
#include <cstring>
#include <new>
#include <utility>

namespace interlock {

void *internal_alloc(size_t size);           // zeroed memory; never returns null (aborts with a message when mmap fails)
void internal_free(void *ptr);
void *internal_realloc(void *ptr, size_t old_size, size_t new_size);
size_t internal_allocated_bytes();           // for tests and verbosity
// fork(): held across the fork so the child never inherits a locked allocator.
void internal_alloc_fork_lock();
void internal_alloc_fork_unlock();
// Set while the runtime itself forks (to start the symbolizer, which execs at
// once): the fork handlers then take no lock (the caller may hold some).
extern __thread bool t_runtime_forking __attribute__((tls_model("initial-exec")));

// Reserves `size` bytes of zero pages that only cost memory once touched.
void *reserve_zeroed(size_t size);

template <typename T, typename... Args>
T *internal_new(Args &&...args) {
  return new (internal_alloc(sizeof(T))) T(std::forward<Args>(args)...);
}

template <typename T>
void internal_delete(T *object) {
  if (!object) return;
  object->~T();
  internal_free(object);
}

}  // namespace interlock
