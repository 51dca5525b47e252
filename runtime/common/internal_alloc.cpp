#include "common/internal_alloc.h"

#include <atomic>
#include <sys/mman.h>
#include <unistd.h>

#include "common/raw_output.h"
#include "common/spin_lock.h"

namespace interlock {
namespace {

// Size classes 16 B .. 64 KiB (powers of two) with free lists; larger blocks
// are mapped and unmapped directly. Each block has a 16-byte header holding
// its class (or its mapped size) so free() needs no size.
constexpr size_t kHeader = 16;
constexpr int kMinShift = 4;
constexpr int kMaxShift = 16;
constexpr size_t kChunk = 1 << 20;

struct FreeBlock {
  FreeBlock *next;
};

SpinLock g_alloc_lock;
FreeBlock *g_free_lists[kMaxShift + 1];
char *g_chunk_cursor;
char *g_chunk_end;
std::atomic<size_t> g_allocated{0};

[[noreturn]] void out_of_memory(size_t size) {
  raw_write_str("==interlock== FATAL: mmap failed for the runtime's own memory (");
  raw_write_u64(size);
  raw_write_str(" bytes)\n");
  _exit(70);
}

void *map_pages(size_t size) {
  void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) out_of_memory(size);
  return p;
}

int size_class(size_t total) {
  int shift = kMinShift;
  while ((size_t(1) << shift) < total) ++shift;
  return shift;
}

char *carve(size_t size) {
  if (g_chunk_cursor + size > g_chunk_end) {
    g_chunk_cursor = static_cast<char *>(map_pages(kChunk));
    g_chunk_end = g_chunk_cursor + kChunk;
  }
  char *p = g_chunk_cursor;
  g_chunk_cursor += size;
  return p;
}

}  // namespace

void *reserve_zeroed(size_t size) { return map_pages(size); }

void *internal_alloc(size_t size) {
  size_t total = size + kHeader;
  char *block;
  if (total > (size_t(1) << kMaxShift)) {
    size_t page = 4096;
    total = (total + page - 1) & ~(page - 1);
    block = static_cast<char *>(map_pages(total));
    reinterpret_cast<size_t *>(block)[0] = total;
    reinterpret_cast<size_t *>(block)[1] = 0;
  } else {
    int shift = size_class(total);
    {
      SpinGuard guard(g_alloc_lock);
      FreeBlock *free_block = g_free_lists[shift];
      if (free_block) {
        g_free_lists[shift] = free_block->next;
        block = reinterpret_cast<char *>(free_block);
      } else {
        block = carve(size_t(1) << shift);
      }
    }
    memset(block, 0, size_t(1) << shift);
    reinterpret_cast<size_t *>(block)[0] = 0;
    reinterpret_cast<size_t *>(block)[1] = size_t(shift);
    total = size_t(1) << shift;
  }
  g_allocated.fetch_add(total, std::memory_order_relaxed);
  return block + kHeader;
}

void internal_free(void *ptr) {
  if (!ptr) return;
  char *block = static_cast<char *>(ptr) - kHeader;
  size_t mapped = reinterpret_cast<size_t *>(block)[0];
  if (mapped) {
    g_allocated.fetch_sub(mapped, std::memory_order_relaxed);
    munmap(block, mapped);
    return;
  }
  int shift = int(reinterpret_cast<size_t *>(block)[1]);
  g_allocated.fetch_sub(size_t(1) << shift, std::memory_order_relaxed);
  SpinGuard guard(g_alloc_lock);
  auto *free_block = reinterpret_cast<FreeBlock *>(block);
  free_block->next = g_free_lists[shift];
  g_free_lists[shift] = free_block;
}

void *internal_realloc(void *ptr, size_t old_size, size_t new_size) {
  void *fresh = internal_alloc(new_size);
  if (ptr) {
    memcpy(fresh, ptr, old_size < new_size ? old_size : new_size);
    internal_free(ptr);
  }
  return fresh;
}

__thread bool t_runtime_forking __attribute__((tls_model("initial-exec")));

void internal_alloc_fork_lock() { g_alloc_lock.lock(); }
void internal_alloc_fork_unlock() { g_alloc_lock.unlock(); }

size_t internal_allocated_bytes() { return g_allocated.load(std::memory_order_relaxed); }

}  // namespace interlock
