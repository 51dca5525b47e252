#include "core/stack.h"

#include <atomic>
#include <link.h>
#include <unwind.h>

#include "common/spin_lock.h"
#include "core/thread_state.h"

namespace interlock {
namespace {

struct CodeRange {
  uintptr_t begin, end;
};

// Sorted executable ranges, replaced wholesale on refresh; old tables are
// leaked on purpose so lock-free readers never see freed memory.
struct CodeRanges {
  size_t count;
  CodeRange ranges[1];
};

std::atomic<CodeRanges *> g_ranges{nullptr};
SpinLock g_refresh_lock;

int collect_ranges(struct dl_phdr_info *info, size_t, void *data) {
  auto *list = static_cast<Vec<CodeRange> *>(data);
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_LOAD && (ph.p_flags & PF_X)) {
      uintptr_t begin = info->dlpi_addr + ph.p_vaddr;
      list->push_back(CodeRange{begin, begin + ph.p_memsz});
    }
  }
  return 0;
}

bool find_range(const CodeRanges *table, uintptr_t pc) {
  size_t lo = 0, hi = table->count;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (table->ranges[mid].end <= pc) lo = mid + 1;
    else hi = mid;
  }
  return lo < table->count && table->ranges[lo].begin <= pc;
}

// A return address follows a call: e8 rel32 (5 bytes), ff /2 with various
// operand sizes (2, 3, 4, 6, 7 bytes). Only read once `pc` is known mapped.
bool follows_call(uintptr_t pc) {
  const uint8_t *p = reinterpret_cast<const uint8_t *>(pc);
  if (p[-5] == 0xe8) return true;
  for (int length : {2, 3, 4, 6, 7}) {
    const uint8_t *insn = p - length;
    int opcode_at = (insn[0] >= 0x40 && insn[0] <= 0x4f) ? 1 : 0;  // REX prefix
    if (insn[opcode_at] == 0xff && ((insn[opcode_at + 1] >> 3) & 7) == 2) return true;
  }
  return false;
}

struct UnwindState {
  Vec<uintptr_t> *out;
  int max_depth;
};

_Unwind_Reason_Code unwind_step(struct _Unwind_Context *context, void *arg) {
  auto *state = static_cast<UnwindState *>(arg);
  uintptr_t pc = _Unwind_GetIP(context);
  if (!pc) return _URC_END_OF_STACK;
  state->out->push_back(pc);
  return int(state->out->size()) >= state->max_depth ? _URC_END_OF_STACK : _URC_NO_REASON;
}

// Values the frame walk already rejected as return addresses: in code built
// without frame pointers it meets the same garbage on every acquisition, and
// rejecting it again (range search + instruction decode) cost more than the
// walk itself. Cleared whenever the set of loaded code changes (a rejected
// value may be code now).
constexpr size_t kRejectedSlots = 4096;
std::atomic<uintptr_t> g_rejected[kRejectedSlots];

}  // namespace

void refresh_code_ranges() {
  SpinGuard guard(g_refresh_lock);
  for (std::atomic<uintptr_t> &slot : g_rejected) slot.store(0, std::memory_order_relaxed);
  Vec<CodeRange> list;
  dl_iterate_phdr(collect_ranges, &list);
  for (size_t i = 1; i < list.size(); ++i)  // insertion sort: few modules
    for (size_t j = i; j > 0 && list[j].begin < list[j - 1].begin; --j) {
      CodeRange t = list[j];
      list[j] = list[j - 1];
      list[j - 1] = t;
    }
  auto *table = static_cast<CodeRanges *>(internal_alloc(sizeof(CodeRanges) + list.size() * sizeof(CodeRange)));
  table->count = list.size();
  for (size_t i = 0; i < list.size(); ++i) table->ranges[i] = list[i];
  g_ranges.store(table, std::memory_order_release);
}

bool is_code_address(uintptr_t pc) {
  CodeRanges *table = g_ranges.load(std::memory_order_acquire);
  if (!table) {
    refresh_code_ranges();
    table = g_ranges.load(std::memory_order_acquire);
  }
  // Modules loaded later are added by the dlopen interceptor; a miss never
  // refreshes (garbage frame pointers miss all the time in code built
  // without frame pointers).
  return find_range(table, pc);
}

namespace {

// Return addresses already validated (direct-mapped, racy by design: a
// torn or stale entry only costs a re-validation).
constexpr size_t kValidatedSlots = 4096;
std::atomic<uintptr_t> g_validated[kValidatedSlots];

__attribute__((noinline)) bool validate_return_address(uintptr_t pc, std::atomic<uintptr_t> &slot) {
  std::atomic<uintptr_t> &rejected = g_rejected[(pc >> 2) & (kRejectedSlots - 1)];
  if (rejected.load(std::memory_order_relaxed) == pc) return false;
  if (!is_code_address(pc) || !follows_call(pc)) {
    rejected.store(pc, std::memory_order_relaxed);
    return false;
  }
  slot.store(pc, std::memory_order_relaxed);
  return true;
}

// The frame walk's check, inline for the common case (seen before).
inline bool return_address_known(uintptr_t pc) {
  std::atomic<uintptr_t> &slot = g_validated[(pc >> 2) & (kValidatedSlots - 1)];
  if (__builtin_expect(slot.load(std::memory_order_relaxed) == pc, 1)) return true;
  return validate_return_address(pc, slot);
}

// How far the frame-pointer walk can be trusted from each call site, learnt
// once per return address. In code built with frame pointers (-O0, debug
// builds) the walk is exact and needed: at -O0 the lock call sits inside
// libstdc++'s inline wrappers, and the user's frame is a few frames up. In
// code built without them (-O1 and above, by default) the caller's %rbp is
// some ancestor's frame or plain data, so the walk skips frames or reads
// garbage, and costs loads on every acquisition for nothing. The first time
// a call site is seen, the walk is compared with a precise unwind
// (_Unwind_Backtrace, .eh_frame): the frames on which they agree are the
// depth used from then on. Slots hold (return address << 3) | depth;
// direct-mapped and racy by design (a lost update only costs a re-learn).
constexpr size_t kSiteDepthSlots = 4096;
std::atomic<uintptr_t> g_site_depth[kSiteDepthSlots];

std::atomic<uintptr_t> &site_depth_slot(uintptr_t return_pc) {
  return g_site_depth[(return_pc >> 2) & (kSiteDepthSlots - 1)];
}

// The number of leading frames of `walked` that a precise unwind confirms.
int confirmed_depth(const ShortStack &walked) {
  if (walked.depth <= 1) return 1;
  // The unwinder may lock (libgcc's object registry): not a user lock.
  // Once per call site, so the unwinder's allocation is not on the repeat path.
  ThreadState *thread = current_thread();
  if (thread) ++thread->in_runtime;
  Vec<uintptr_t> frames;
  capture_full_stack(&frames, kShortStackDepth + 24);  // the runtime's own frames come first
  if (thread) --thread->in_runtime;
  int count = int(frames.size());
  for (int i = 0; i < count; ++i) {
    if (frames[i] != walked.pc[0]) continue;
    int agreed = 1;
    while (agreed < int(walked.depth) && i + agreed < count && frames[i + agreed] == walked.pc[agreed]) ++agreed;
    return agreed;
  }
  return int(walked.depth);  // the unwinder did not see the call site: keep the walk
}

void walk_frames(ShortStack *out, uintptr_t fp, int limit, uintptr_t stack_lo, uintptr_t stack_hi) {
  while (int(out->depth) < limit) {
    if (fp < stack_lo || fp + 16 > stack_hi || (fp & 7)) break;
    uintptr_t next_fp = reinterpret_cast<uintptr_t *>(fp)[0];
    if (next_fp <= fp || next_fp + 16 > stack_hi || (next_fp & 7)) break;
    uintptr_t pc = reinterpret_cast<uintptr_t *>(next_fp)[1];
    if (!return_address_known(pc)) break;
    out->pc[out->depth++] = pc;
    fp = next_fp;
  }
}

}  // namespace

void learn_call_site(void *frame, void *return_pc, uintptr_t stack_lo, uintptr_t stack_hi) {
  uintptr_t pc = reinterpret_cast<uintptr_t>(return_pc);
  if ((site_depth_slot(pc).load(std::memory_order_relaxed) >> 3) == pc) return;
  ShortStack scratch;
  capture_short_stack(&scratch, frame, return_pc, stack_lo, stack_hi);
}

void capture_short_stack(ShortStack *out, void *frame, void *return_pc, uintptr_t stack_lo, uintptr_t stack_hi) {
  uintptr_t pc = reinterpret_cast<uintptr_t>(return_pc);
  out->pc[0] = pc;
  out->depth = 1;
  std::atomic<uintptr_t> &slot = site_depth_slot(pc);
  uintptr_t learnt = slot.load(std::memory_order_relaxed);
  if (__builtin_expect((learnt >> 3) == pc, 1)) {
    int limit = int(learnt & 7);
    if (limit > 1) walk_frames(out, reinterpret_cast<uintptr_t>(frame), limit, stack_lo, stack_hi);
    return;
  }
  walk_frames(out, reinterpret_cast<uintptr_t>(frame), kShortStackDepth, stack_lo, stack_hi);
  int depth = confirmed_depth(*out);
  out->depth = uint32_t(depth);
  slot.store((pc << 3) | uintptr_t(depth), std::memory_order_relaxed);
}

void capture_full_stack(Vec<uintptr_t> *out, int max_depth) {
  UnwindState state{out, max_depth > 0 ? max_depth : 32};
  _Unwind_Backtrace(unwind_step, &state);
}

void short_stack_to_vec(const ShortStack &stack, Vec<uintptr_t> *out) {
  for (uint32_t i = 0; i < stack.depth; ++i) out->push_back(stack.pc[i]);
}

// dlopen / dlclose: a rejected value may be code now, a validated one gone.
void forget_code_ranges() {
  for (std::atomic<uintptr_t> &slot : g_validated) slot.store(0, std::memory_order_relaxed);
  for (std::atomic<uintptr_t> &slot : g_site_depth) slot.store(0, std::memory_order_relaxed);
  refresh_code_ranges();
}

}  // namespace interlock
