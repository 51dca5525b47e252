#include "report/symbolizer.h"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <elf.h>
#include <link.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/code_layout.h"
#include "common/options.h"

extern char **environ;

namespace interlock {
namespace {

struct Child {
  pid_t pid;  // > 0 while running
  int to_child, from_child;
  bool failed;
  Str path;
};

Global<Child> g_llvm_storage;
#define g_llvm (*g_llvm_storage)  // one llvm-symbolizer for every module (pid 0: not started)
struct CacheEntry {
  uintptr_t pc;
  SymbolizedFrame *frames;
  CacheEntry *next;
};
constexpr size_t kCacheBuckets = 4096;
CacheEntry *g_cache[kCacheBuckets];
Global<Str> g_self_module_storage;
#define g_self_module (*g_self_module_storage)
bool g_self_known;
Global<Str> g_addr2line_storage;
bool g_addr2line_searched;

bool executable_exists(const char *path) { return access(path, X_OK) == 0; }

Str find_in_path(const char *name) {
  if (strchr(name, '/')) return executable_exists(name) ? Str(name) : Str();
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  while (*path) {
    const char *end = strchr(path, ':');
    size_t n = end ? size_t(end - path) : strlen(path);
    Str candidate;
    candidate.append(path, n).append("/").append(name);
    if (executable_exists(candidate.c_str())) return candidate;
    if (!end) break;
    path = end + 1;
  }
  return Str();
}

// Environment for the child: without LD_PRELOAD / INTERLOCK_OPTIONS.
Vec<char *> child_environment() {
  Vec<char *> env;
  for (char **e = environ; e && *e; ++e) {
    if (!strncmp(*e, "LD_PRELOAD=", 11) || !strncmp(*e, "INTERLOCK_OPTIONS=", 18)) continue;
    env.push_back(*e);
  }
  env.push_back(nullptr);
  return env;
}

bool spawn(Child *child, const char *const *argv) {
  // stdin is a socket so writes can use MSG_NOSIGNAL: a dead symbolizer must
  // not raise SIGPIPE in the program, and its disposition stays untouched.
  int in_pipe[2], out_pipe[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pipe) != 0) return false;
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    close(in_pipe[0]);
    close(in_pipe[1]);
    return false;
  }
  Vec<char *> env = child_environment();
  t_runtime_forking = true;
  pid_t pid = fork();
  if (pid != 0) t_runtime_forking = false;  // the child keeps it: its _exit must not report (signal.cpp)
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0) dup2(devnull, 2);
    execve(argv[0], const_cast<char *const *>(argv), env.data());
    _exit(127);
  }
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (pid < 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return false;
  }
  child->pid = pid;
  child->to_child = in_pipe[1];
  child->from_child = out_pipe[0];
  return true;
}

bool write_all(int fd, const char *data, size_t n) {
  while (n) {
    ssize_t w = send(fd, data, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    data += w;
    n -= size_t(w);
  }
  return true;
}

// Reads one line (without '\n'). False on EOF / error.
bool read_line(int fd, Str *line) {
  line->clear();
  char c;
  for (;;) {
    ssize_t r = read(fd, &c, 1);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return !line->empty();
    if (c == '\n') return true;
    line->append_char(c);
  }
}

pid_t g_llvm_owner;  // the process that started the symbolizer

void ensure_llvm() {
  if (g_llvm.pid > 0 && g_llvm_owner != getpid()) {
    // A fork()ed child: the pipes are shared with the parent; start its own.
    close(g_llvm.to_child);
    close(g_llvm.from_child);
    g_llvm.pid = 0;
    g_llvm.failed = false;
  }
  if (g_llvm.pid > 0 || g_llvm.failed) return;
  g_llvm.failed = true;
  if (!options().symbolize) return;
  Str path;
  if (*options().symbolizer_path) path = find_in_path(options().symbolizer_path);
  else {
    const char *candidates[] = {"llvm-symbolizer-19", "llvm-symbolizer", "/usr/lib/llvm-19/bin/llvm-symbolizer"};
    for (const char *c : candidates) {
      path = find_in_path(c);
      if (!path.empty()) break;
    }
  }
  if (path.empty() || path.contains("addr2line")) return;  // addr2line is used per module below
  const char *argv[] = {path.c_str(), "--inlining=true", "--demangle", "--functions=linkage", "--output-style=LLVM",
                        nullptr};
  if (!spawn(&g_llvm, argv)) return;
  g_llvm.path = path;
  g_llvm.failed = false;
  g_llvm_owner = getpid();
}

void parse_file_line(const Str &text, SymbolizedFrame *frame) {
  // "file:line:column" (file may itself contain ':' only rarely)
  const char *s = text.c_str();
  const char *last = strrchr(s, ':');
  if (!last) {
    frame->file = text;
    return;
  }
  const char *prev = last;
  while (prev > s && prev[-1] != ':') --prev;
  bool has_column = prev > s;
  if (has_column) {
    frame->column = atoi(last + 1);
    frame->line = atoi(prev);
    frame->file.append(s, size_t(prev - 1 - s));
  } else {
    frame->line = atoi(last + 1);
    frame->file.append(s, size_t(last - s));
  }
  if (frame->file.equals("??")) frame->file.clear();
}

// One llvm-symbolizer query: "CODE module 0xoffset" -> pairs of lines, then "".
SymbolizedFrame *query_llvm(const Str &module, uintptr_t offset, uintptr_t pc) {
  ensure_llvm();
  if (g_llvm.pid <= 0) return nullptr;
  Str request;
  request << "CODE \"" << module << "\" 0x";
  request.append_hex(offset).append("\n");
  if (!write_all(g_llvm.to_child, request.c_str(), request.size())) {
    g_llvm.pid = -1;
    g_llvm.failed = true;
    return nullptr;
  }
  SymbolizedFrame *first = nullptr, *last = nullptr;
  Str function, location;
  for (;;) {
    if (!read_line(g_llvm.from_child, &function)) {
      g_llvm.pid = -1;
      g_llvm.failed = true;
      break;
    }
    if (function.empty()) break;
    if (!read_line(g_llvm.from_child, &location)) break;
    auto *frame = internal_new<SymbolizedFrame>();
    frame->pc = pc;
    if (!function.equals("??")) frame->function = function;
    parse_file_line(location, frame);
    frame->module = module;
    frame->offset = offset;
    if (last) last->inlined_next = frame;
    else first = frame;
    last = frame;
  }
  return first;
}

// addr2line fallback: one short-lived process per query (rare path).
SymbolizedFrame *query_addr2line(const Str &module, uintptr_t offset, uintptr_t pc) {
  if (!options().symbolize) return nullptr;
  Str &path = *g_addr2line_storage;
  if (!g_addr2line_searched) {
    g_addr2line_searched = true;
    path = find_in_path("addr2line");
  }
  if (path.empty()) return nullptr;
  Str address;
  address << "0x";
  address.append_hex(offset);
  const char *argv[] = {path.c_str(), "-f", "-C", "-e", module.c_str(), address.c_str(), nullptr};
  Child child{};
  if (!spawn(&child, argv)) return nullptr;
  close(child.to_child);
  Str function, location;
  SymbolizedFrame *frame = nullptr;
  if (read_line(child.from_child, &function) && read_line(child.from_child, &location)) {
    frame = internal_new<SymbolizedFrame>();
    frame->pc = pc;
    if (!function.equals("??")) frame->function = function;
    const char *disc = strstr(location.c_str(), " (discriminator");
    Str loc;
    loc.append(location.c_str(), disc ? size_t(disc - location.c_str()) : location.size());
    parse_file_line(loc, frame);
    if (frame->line == 0) frame->file.clear();
    frame->module = module;
    frame->offset = offset;
  }
  close(child.from_child);
  int status;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  return frame;
}

// ---- does llvm-symbolizer know more about a module than dladdr? ----
// Starting llvm-symbolizer costs ~0.2 s (it loads libLLVM). For a module
// with neither a full symbol table (.symtab) nor debug info, in the file or in
// a separate debug file, it can only read the dynamic symbol table, which
// dladdr reads too: same names (for C names; C++ names need its demangler),
// no file:line. Distribution binaries are mostly like that (git, python3,
// perl), so a short process of theirs no longer pays the start at exit.

bool file_exists(const Str &path) { return access(path.c_str(), F_OK) == 0; }

bool read_at(int fd, void *out, size_t size, uint64_t offset) {
  return pread(fd, out, size, off_t(offset)) == ssize_t(size);
}

// /usr/lib/debug/.build-id/ab/cdef....debug
bool build_id_debug_file_exists(int fd, const Elf64_Shdr &note) {
  if (note.sh_size < sizeof(Elf64_Nhdr) || note.sh_size > 1024) return false;
  unsigned char buffer[1024];
  if (!read_at(fd, buffer, note.sh_size, note.sh_offset)) return false;
  Elf64_Nhdr header;
  memcpy(&header, buffer, sizeof(header));
  size_t desc = sizeof(header) + ((header.n_namesz + 3) & ~3u);
  if (header.n_type != NT_GNU_BUILD_ID || header.n_descsz < 2 || desc + header.n_descsz > note.sh_size) return false;
  static const char hex[] = "0123456789abcdef";
  Str path("/usr/lib/debug/.build-id/");
  for (uint32_t i = 0; i < header.n_descsz; ++i) {
    unsigned char byte = buffer[desc + i];
    path.append_char(hex[byte >> 4]).append_char(hex[byte & 15]);
    if (i == 0) path.append_char('/');
  }
  path.append(".debug");
  return file_exists(path);
}

// .gnu_debuglink: DIR/NAME, DIR/.debug/NAME, /usr/lib/debug/DIR/NAME.
bool debuglink_file_exists(int fd, const Elf64_Shdr &link, const Str &module) {
  if (link.sh_size < 2 || link.sh_size > 512) return false;
  char name[513] = {};
  if (!read_at(fd, name, link.sh_size, link.sh_offset) || !memchr(name, 0, link.sh_size)) return false;
  const char *slash = strrchr(module.c_str(), '/');
  Str dir;
  if (slash) dir.append(module.c_str(), size_t(slash - module.c_str()));
  Str candidates[3];
  candidates[0] << dir << "/" << name;
  candidates[1] << dir << "/.debug/" << name;
  candidates[2] << "/usr/lib/debug" << dir << "/" << name;
  for (const Str &candidate : candidates)
    if (!(candidate == module) && file_exists(candidate)) return true;
  return false;
}

// True when unsure (not ELF64, unreadable): the symbolizer decides, as before.
bool scan_module_for_symbols(const Str &module) {
  int fd = open(module.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return true;
  bool has = true;
  Elf64_Ehdr header;
  if (read_at(fd, &header, sizeof(header), 0) && !memcmp(header.e_ident, ELFMAG, SELFMAG) &&
      header.e_ident[EI_CLASS] == ELFCLASS64 && header.e_shentsize == sizeof(Elf64_Shdr) && header.e_shnum > 0 &&
      header.e_shnum < 65280 && header.e_shstrndx < header.e_shnum) {
    size_t count = header.e_shnum;
    auto *sections = static_cast<Elf64_Shdr *>(internal_alloc(count * sizeof(Elf64_Shdr)));
    const Elf64_Shdr *names_section = &sections[header.e_shstrndx];
    char *names = nullptr;
    if (read_at(fd, sections, count * sizeof(Elf64_Shdr), header.e_shoff) && names_section->sh_size > 0 &&
        names_section->sh_size < (1u << 20)) {
      names = static_cast<char *>(internal_alloc(names_section->sh_size + 1));
      if (read_at(fd, names, names_section->sh_size, names_section->sh_offset)) {
        names[names_section->sh_size] = '\0';
        has = false;
        for (size_t i = 0; i < count && !has; ++i) {
          if (sections[i].sh_name >= names_section->sh_size) continue;
          const char *name = names + sections[i].sh_name;
          if (!strcmp(name, ".symtab") || !strncmp(name, ".debug_", 7) || !strncmp(name, ".zdebug_", 8)) has = true;
          else if (!strcmp(name, ".note.gnu.build-id")) has = build_id_debug_file_exists(fd, sections[i]);
          else if (!strcmp(name, ".gnu_debuglink")) has = debuglink_file_exists(fd, sections[i], module);
        }
      }
    }
    if (names) internal_free(names);
    internal_free(sections);
  }
  close(fd);
  return has;
}

struct ModuleSymbols {
  Str module;
  bool has_symbols;
};
Global<Vec<ModuleSymbols *>> g_module_symbols_storage;
#define g_module_symbols (*g_module_symbols_storage)

// Cached per module (callers hold the report lock, as for the frame cache).
bool module_has_symbols(const Str &module) {
  if (getenv("DEBUGINFOD_URLS")) return true;  // the symbolizer may fetch debug info
  for (ModuleSymbols *m : g_module_symbols)
    if (m->module == module) return m->has_symbols;
  auto *m = internal_new<ModuleSymbols>();
  m->module = module;
  m->has_symbols = scan_module_for_symbols(module);
  g_module_symbols.push_back(m);
  return m->has_symbols;
}

// llvm-symbolizer is needed for this address: the module has symbols or
// debug info, or dladdr's name is a C++ one (llvm-symbolizer demangles it).
bool symbolizer_knows_more(const Str &module, const Dl_info &info) {
  if (info.dli_sname && !strncmp(info.dli_sname, "_Z", 2)) return true;
  return module_has_symbols(module);
}

Str module_path(const Dl_info &info, struct link_map *map) {
  const char *name = map && map->l_name && *map->l_name ? map->l_name : info.dli_fname;
  if (!name || !*name || (map && (!map->l_name || !*map->l_name))) {
    char buffer[4096];
    ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
    if (n > 0) {
      buffer[n] = '\0';
      return Str(buffer);
    }
  }
  return Str(name ? name : "");
}


const Str &self_module() {
  if (!g_self_known) {
    g_self_known = true;
    Dl_info info;
    struct link_map *map = nullptr;
    if (dladdr1(reinterpret_cast<void *>(&symbolize_pc), &info, reinterpret_cast<void **>(&map), RTLD_DL_LINKMAP))
      g_self_module = module_path(info, map);
  }
  return g_self_module;
}

}  // namespace

// The runtime's own frames: libinterlock.so, or (when the core is linked
// statically, as in unit tests) functions of namespace interlock.
bool is_runtime_frame(const Str &module, const Str &function) {
  if (module.empty() || !(module == self_module())) return false;
  const char *base = strrchr(module.c_str(), '/');
  base = base ? base + 1 : module.c_str();
  if (!strncmp(base, "libinterlock", 12)) return true;
  return function.starts_with("interlock::") || function.starts_with("void interlock::") ||
         function.contains(" interlock::");
}

FrameClass classify(const Str &module, const Str &file) {
  const char *base = strrchr(module.c_str(), '/');
  base = base ? base + 1 : module.c_str();
  const char *system_libs[] = {"libc.so", "libstdc++.so", "libpthread.so", "ld-linux", "libgcc_s.so", "libm.so",
                               "libc++.so", "libc++abi.so", "libdl.so", "ld64.so"};
  for (const char *lib : system_libs)
    if (!strncmp(base, lib, strlen(lib))) return FrameClass::kSystem;
  if (file.starts_with("/usr/include/") || file.contains("/include/c++/") || file.contains("/bits/") ||
      file.starts_with("/usr/lib/gcc/") || file.contains("/libstdc++-v3/") || file.contains("/nptl/"))
    return FrameClass::kSystem;
  return FrameClass::kUser;
}

INTERLOCK_COLD const SymbolizedFrame *symbolize_pc(uintptr_t return_address) {
  size_t bucket = mix64(return_address) % kCacheBuckets;
  for (CacheEntry *e = g_cache[bucket]; e; e = e->next)
    if (e->pc == return_address) return e->frames;
  // A return address points after the call: look up the call instruction.
  uintptr_t lookup = return_address ? return_address - 1 : 0;
  Dl_info info{};
  struct link_map *map = nullptr;
  Str module;
  uintptr_t offset = lookup;
  if (dladdr1(reinterpret_cast<void *>(lookup), &info, reinterpret_cast<void **>(&map), RTLD_DL_LINKMAP) && map) {
    module = module_path(info, map);
    offset = lookup - map->l_addr;
  }
  SymbolizedFrame *frames = nullptr;
  // System libraries: dladdr's name is enough (and loading their separate
  // debug info would cost the symbolizer most of its time).
  bool system_module = classify(module, Str()) == FrameClass::kSystem || is_runtime_frame(module, Str());
  if (!module.empty() && !system_module && symbolizer_knows_more(module, info)) {
    frames = query_llvm(module, offset, return_address);
    if (!frames && g_llvm.failed) frames = query_addr2line(module, offset, return_address);
  }
  if (!frames) {
    frames = internal_new<SymbolizedFrame>();
    frames->pc = return_address;
    frames->module = module;
    frames->offset = offset;
    if (info.dli_sname) frames->function = info.dli_sname;
  }
  for (SymbolizedFrame *f = frames; f; f = f->inlined_next)
    f->cls = is_runtime_frame(f->module, f->function) ? FrameClass::kRuntime : classify(f->module, f->file);
  auto *entry = internal_new<CacheEntry>();
  entry->pc = return_address;
  entry->frames = frames;
  entry->next = g_cache[bucket];
  g_cache[bucket] = entry;
  return frames;
}

INTERLOCK_COLD Str symbolize_data(uintptr_t address, uintptr_t *start) {
  Dl_info info{};
  struct link_map *map = nullptr;
  if (!dladdr1(reinterpret_cast<void *>(address), &info, reinterpret_cast<void **>(&map), RTLD_DL_LINKMAP) || !map)
    return Str();
  Str module = module_path(info, map);
  uintptr_t offset = address - map->l_addr;
  if (symbolizer_knows_more(module, info)) ensure_llvm();
  if (g_llvm.pid > 0 && symbolizer_knows_more(module, info)) {
    Str request;
    request << "DATA \"" << module << "\" 0x";
    request.append_hex(offset).append("\n");
    if (write_all(g_llvm.to_child, request.c_str(), request.size())) {
      Str name, range, line;
      bool ok = read_line(g_llvm.from_child, &name) && read_line(g_llvm.from_child, &range);
      while (ok && read_line(g_llvm.from_child, &line) && !line.empty()) {
      }
      if (ok && !name.equals("??") && !name.empty()) {
        uintptr_t sym_start = strtoull(range.c_str(), nullptr, 10);
        if (start) *start = sym_start + map->l_addr;
        if (sym_start != offset) {
          Str with_offset = name;
          with_offset << "+";
          with_offset.append_u64(offset - sym_start);
          return with_offset;
        }
        return name;
      }
    }
  }
  // Exported symbols only (dynamic symbol table).
  if (info.dli_sname && info.dli_saddr) {
    Str name(info.dli_sname);
    uintptr_t sym = reinterpret_cast<uintptr_t>(info.dli_saddr);
    if (start) *start = sym;
    if (sym != address) {
      name << "+";
      name.append_u64(address - sym);
    }
    return name;
  }
  return Str();
}

void shutdown_symbolizer() {
  if (g_llvm.pid > 0 && g_llvm_owner == getpid()) {
    close(g_llvm.to_child);
    close(g_llvm.from_child);
    int status;
    waitpid(g_llvm.pid, &status, 0);
    g_llvm.pid = -1;
  }
}

}  // namespace interlock
