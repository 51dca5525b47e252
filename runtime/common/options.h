// Runtime options, parsed from INTERLOCK_OPTIONS ("key=value:key=value", like
// TSAN_OPTIONS). The table lives in options.def.
#pragma once
#include "common/containers.h"

namespace interlock {

struct Options {
#define INTERLOCK_OPTION_Bool bool
#define INTERLOCK_OPTION_Int long
#define INTERLOCK_OPTION_String const char *
#define INTERLOCK_OPTION(type, name, def, help) INTERLOCK_OPTION_##type name = def;
#include "common/options.def"
#undef INTERLOCK_OPTION
};

// Parses `text` into `out` (starting from defaults already in `out`). On an
// unknown key or a bad value returns false and puts a message naming the
// valid keys into `error`. String values are copied into runtime memory.
bool parse_options(const char *text, Options *out, Str *error);

// Every option with type, default and help (what help=1 prints).
Str options_help();

// Replaces %p in `pattern` with `pid`.
Str expand_path_pattern(const char *pattern, long pid);

const Options &options();
Options &mutable_options();

}  // namespace interlock
