#include "common/options.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/code_layout.h"

namespace interlock {
namespace {

Options g_options;

const char *copy_string(const char *begin, size_t n) {
  char *copy = static_cast<char *>(internal_alloc(n + 1));
  memcpy(copy, begin, n);
  copy[n] = '\0';
  return copy;
}

bool parse_bool(const char *value, bool *out) {
  if (!strcmp(value, "1") || !strcmp(value, "true") || !strcmp(value, "yes")) return *out = true, true;
  if (!strcmp(value, "0") || !strcmp(value, "false") || !strcmp(value, "no")) return *out = false, true;
  return false;
}

bool parse_int(const char *value, long *out) {
  if (!*value) return false;
  char *end = nullptr;
  errno = 0;
  long parsed = strtol(value, &end, 10);
  if (errno || *end) return false;
  *out = parsed;
  return true;
}

bool assign(bool *field, const char *value) { return parse_bool(value, field); }
bool assign(long *field, const char *value) { return parse_int(value, field); }
bool assign(const char **field, const char *value) {
  *field = copy_string(value, strlen(value));
  return true;
}

const char *type_hint(bool *) { return "0|1"; }
const char *type_hint(long *) { return "integer"; }
const char *type_hint(const char **) { return "string"; }

INTERLOCK_COLD void append_valid_keys(Str *error) {
  error->append("valid keys:");
#define INTERLOCK_OPTION(type, name, def, help) error->append(" " #name);
#include "common/options.def"
#undef INTERLOCK_OPTION
}

bool set_option(Options *out, const char *key, const char *value, Str *error) {
#define INTERLOCK_OPTION(type, name, def, help)                                                   \
  if (!strcmp(key, #name)) {                                                                      \
    if (assign(&out->name, value)) return true;                                                   \
    error->append("interlock: bad value '").append(value).append("' for option '" #name "' (expected ");\
    error->append(type_hint(&out->name)).append(")");                                              \
    return false;                                                                                 \
  }
#include "common/options.def"
#undef INTERLOCK_OPTION
  error->append("interlock: unknown option '").append(key).append("' in INTERLOCK_OPTIONS; ");
  append_valid_keys(error);
  return false;
}

}  // namespace

bool parse_options(const char *text, Options *out, Str *error) {
  if (!text) return true;
  const char *cursor = text;
  while (*cursor) {
    const char *end = strchr(cursor, ':');
    size_t length = end ? size_t(end - cursor) : strlen(cursor);
    if (length > 0) {
      Str item;
      item.append(cursor, length);
      const char *equals = strchr(item.c_str(), '=');
      if (!equals) {
        error->append("interlock: option '").append(item).append("' is not key=value; ");
        append_valid_keys(error);
        return false;
      }
      Str key;
      key.append(item.c_str(), size_t(equals - item.c_str()));
      if (!set_option(out, key.c_str(), equals + 1, error)) return false;
    }
    if (!end) break;
    cursor = end + 1;
  }
  return true;
}

namespace {
void append_default(Str *text, bool value) { text->append(value ? "1" : "0"); }
void append_default(Str *text, long value) { text->append_i64(value); }
void append_default(Str *text, const char *value) {
  text->append("\"").append(value).append("\"");
}
}  // namespace

INTERLOCK_COLD Str options_help() {
  Str text;
  text.append("interlock: options (INTERLOCK_OPTIONS=key=value:key=value):\n");
  Options defaults;
#define INTERLOCK_OPTION(type, name, def, help)                       \
  text.append("  " #name " (").append(type_hint(&defaults.name));      \
  text.append(", default ");                                          \
  append_default(&text, defaults.name);                               \
  text.append(")\n      ").append(help).append("\n");
#include "common/options.def"
#undef INTERLOCK_OPTION
  return text;
}

Str expand_path_pattern(const char *pattern, long pid) {
  Str path;
  for (const char *c = pattern; *c; ++c) {
    if (c[0] == '%' && c[1] == 'p') {
      path.append_u64(uint64_t(pid));
      ++c;
    } else {
      path.append_char(*c);
    }
  }
  return path;
}

const Options &options() { return g_options; }
Options &mutable_options() { return g_options; }

}  // namespace interlock
