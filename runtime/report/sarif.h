// SARIF 2.1.0 output of the runtime (see docs/runtime.md, "SARIF").
#pragma once
#include "common/containers.h"

namespace interlock {

void json_string(Str *out, const char *text);
// The whole log: every reported finding, the rules, and (when
// `with_graph`) runs[0].properties.lockGraph.
Str build_sarif(bool with_graph);
// Writes options().sarif (%p = pid) atomically (temp file + rename).
bool write_sarif_file(bool with_graph);

}  // namespace interlock
