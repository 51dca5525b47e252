// Lazy symbolization, only at report time: dladdr for module + offset, then
// a persistent llvm-symbolizer child (fork+exec, pipes; the child runs
// without LD_PRELOAD) for function, file:line:column with inlined frames.
// Falls back to addr2line, then to module+offset. Results are cached by pc.
#pragma once
#include <cstdint>

#include "common/containers.h"

namespace interlock {

enum class FrameClass : uint8_t { kRuntime, kSystem, kUser };

struct SymbolizedFrame {
  uintptr_t pc = 0;
  Str function;       // demangled, or "" if unknown
  Str file;           // absolute path if debug info has it
  int line = 0;
  int column = 0;
  Str module;
  uintptr_t offset = 0;
  FrameClass cls = FrameClass::kUser;
  SymbolizedFrame *inlined_next = nullptr;  // next frame for the same pc (outer)
};

// All frames for one return address (innermost first). Never null.
const SymbolizedFrame *symbolize_pc(uintptr_t return_address);
// Name of the global/static object containing `address`, or empty.
Str symbolize_data(uintptr_t address, uintptr_t *start = nullptr);

FrameClass classify(const Str &module, const Str &file);
void shutdown_symbolizer();

}  // namespace interlock
