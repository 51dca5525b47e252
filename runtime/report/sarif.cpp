#include "report/sarif.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/code_layout.h"
#include "common/options.h"
#include "common/raw_output.h"
#include "core/detectors.h"
#include "report/finding.h"
#include "liveness/liveness.h"

#ifndef INTERLOCK_VERSION
#define INTERLOCK_VERSION "0.0.0"
#endif

namespace interlock {
namespace {

const char kInformationUri[] = "https://github.com/interlock-tools/interlock/blob/main/docs/runtime.md";

void key(Str *out, const char *name) {
  json_string(out, name);
  *out << ":";
}

void append_uri(Str *out, const Str &file) {
  Str uri;
  if (file.c_str()[0] == '/') uri << "file://";
  for (const char *c = file.c_str(); *c; ++c) {  // percent-encode what a URI cannot hold
    unsigned char ch = static_cast<unsigned char>(*c);
    if (ch <= 0x20 || ch == '%' || ch == '#' || ch == '?' || ch >= 0x7f) {
      uri << "%";
      uri.append_hex(ch, 2);
    } else {
      uri.append_char(char(ch));
    }
  }
  json_string(out, uri.c_str());
}

void append_physical(Str *out, const SymbolizedFrame *f) {
  *out << "{";
  key(out, "artifactLocation");
  *out << "{";
  key(out, "uri");
  append_uri(out, f->file);
  *out << "},";
  key(out, "region");
  *out << "{";
  key(out, "startLine");
  out->append_u64(uint64_t(f->line));
  if (f->column > 0) {
    *out << ",";
    key(out, "startColumn");
    out->append_u64(uint64_t(f->column));
  }
  *out << "}}";
}

void append_location(Str *out, const SymbolizedFrame *f, const Str *message, int id) {
  *out << "{";
  bool comma = false;
  if (id >= 0) {
    key(out, "id");
    out->append_u64(uint64_t(id));
    comma = true;
  }
  if (f && !f->file.empty() && f->line > 0) {
    if (comma) *out << ",";
    key(out, "physicalLocation");
    append_physical(out, f);
    comma = true;
  }
  if (f && !f->function.empty()) {
    if (comma) *out << ",";
    key(out, "logicalLocations");
    *out << "[{";
    key(out, "fullyQualifiedName");
    json_string(out, f->function.c_str());
    *out << ",";
    key(out, "kind");
    json_string(out, "function");
    *out << "}]";
    comma = true;
  }
  if (message) {
    if (comma) *out << ",";
    key(out, "message");
    *out << "{";
    key(out, "text");
    json_string(out, message->c_str());
    *out << "}";
  }
  *out << "}";
}

void append_rules(Str *out) {
  *out << "[";
  for (int r = 0; r < int(Rule::kCount); ++r) {
    if (r) *out << ",";
    *out << "{";
    key(out, "id");
    json_string(out, rule_id(Rule(r)));
    *out << ",";
    key(out, "shortDescription");
    *out << "{";
    key(out, "text");
    json_string(out, rule_short_description(Rule(r)));
    *out << "},";
    key(out, "help");
    *out << "{";
    key(out, "text");
    json_string(out, rule_help(Rule(r)));
    *out << "},";
    key(out, "defaultConfiguration");
    *out << "{";
    key(out, "level");
    json_string(out, rule_default_level(Rule(r)));
    *out << "}}";
  }
  *out << "]";
}

void append_result(Str *out, const Finding *f) {
  *out << "{";
  key(out, "ruleId");
  json_string(out, rule_id(f->rule));
  *out << ",";
  key(out, "ruleIndex");
  out->append_u64(uint64_t(int(f->rule)));
  *out << ",";
  key(out, "level");
  json_string(out, f->level);
  *out << ",";
  key(out, "message");
  *out << "{";
  key(out, "text");
  json_string(out, f->message.c_str());
  *out << "},";
  key(out, "locations");
  *out << "[";
  if (f->sections) append_location(out, f->sections->user, &f->sections->message, -1);
  *out << "],";
  key(out, "relatedLocations");
  *out << "[";
  int id = 0;
  for (const FindingSection *s = f->sections ? f->sections->next : nullptr; s; s = s->next) {
    if (id) *out << ",";
    append_location(out, s->user, &s->message, id++);
  }
  *out << "],";
  key(out, "stacks");
  *out << "[";
  bool first_stack = true;
  for (const FindingSection *s = f->sections; s; s = s->next) {
    if (!first_stack) *out << ",";
    first_stack = false;
    *out << "{";
    key(out, "message");
    *out << "{";
    key(out, "text");
    json_string(out, s->title.c_str());
    *out << "},";
    key(out, "frames");
    *out << "[";
    for (size_t i = 0; i < s->frames.size(); ++i) {
      const SymbolizedFrame *frame = s->frames[i];
      if (i) *out << ",";
      *out << "{";
      key(out, "location");
      append_location(out, frame, nullptr, -1);
      *out << ",";
      key(out, "module");
      json_string(out, frame->module.c_str());
      *out << ",";
      key(out, "properties");
      *out << "{";
      key(out, "pc");
      Str pc("0x");
      pc.append_hex(frame->pc);
      json_string(out, pc.c_str());
      *out << ",";
      key(out, "class");
      json_string(out, frame->cls == FrameClass::kUser ? "user" : frame->cls == FrameClass::kSystem ? "system" : "runtime");
      *out << "}}";
    }
    *out << "]}";
  }
  *out << "],";
  key(out, "partialFingerprints");
  *out << "{";
  key(out, "interlock/v1");
  Str hex;
  hex.append_hex(f->fingerprint, 16);
  json_string(out, hex.c_str());
  *out << "}}";
}

struct NodeName {
  uint64_t id;
  Str *stable_id;
};

const Str *find_name(const Vec<NodeName> &names, uint64_t id) {
  for (const NodeName &n : names)
    if (n.id == id) return n.stable_id;
  return nullptr;
}

void append_site(Str *out, const ShortStack &stack) {
  FindingSection probe;
  short_stack_to_vec(stack, &probe.pcs);
  const SymbolizedFrame *user = nullptr;
  for (uintptr_t pc : probe.pcs) {
    for (const SymbolizedFrame *f = symbolize_pc(pc); f && !user; f = f->inlined_next)
      if (f->cls == FrameClass::kUser) user = f;
    if (user) break;
  }
  *out << "{";
  key(out, "uri");
  if (user && !user->file.empty()) append_uri(out, user->file);
  else json_string(out, "");
  *out << ",";
  key(out, "line");
  out->append_u64(user ? uint64_t(user->line) : 0);
  *out << ",";
  key(out, "function");
  json_string(out, user ? user->function.c_str() : "");
  *out << "}";
}

void append_lock_graph(Str *out) {
  Vec<NodeName> names;
  size_t max_edges = size_t(options().max_sarif_graph_edges > 0 ? options().max_sarif_graph_edges : 0);
  size_t edge_count = 0;
  bool truncated = false;
  Str locks, edges;
  lock_graph().visit(
      [&](const GraphNode &n) {
        LockName name = describe_lock(n.address, n.kind, n.id, stack_depot_get(n.first_site));
        names.push_back(NodeName{n.id, internal_new<Str>(name.stable_id)});
        if (names.size() > 1) locks << ",";
        locks << "{";
        key(&locks, "id");
        json_string(&locks, name.stable_id.c_str());
        locks << ",";
        key(&locks, "name");
        json_string(&locks, name.short_name.c_str());
        locks << ",";
        key(&locks, "kind");
        json_string(&locks, lock_kind_name(n.kind));
        locks << ",";
        key(&locks, "site");
        append_site(&locks, stack_depot_copy(n.first_site));
        locks << "}";
      },
      [&](const Edge &e) {
        if (edge_count >= max_edges) {
          truncated = true;
          return;
        }
        const Str *from = find_name(names, e.from);
        const Str *to = find_name(names, e.to);
        if (!from || !to) return;
        if (edge_count++) edges << ",";
        edges << "{";
        key(&edges, "from");
        json_string(&edges, from->c_str());
        edges << ",";
        key(&edges, "to");
        json_string(&edges, to->c_str());
        edges << ",";
        key(&edges, "thread");
        edges.append_u64(e.first_thread ? e.first_thread - 1 : 0);
        edges << ",";
        key(&edges, "fromSite");
        append_site(&edges, stack_depot_copy(e.from_site));
        edges << ",";
        key(&edges, "toSite");
        append_site(&edges, stack_depot_copy(e.to_site));
        edges << ",";
        key(&edges, "fromTry");
        edges << (e.from_try ? "true" : "false");
        edges << ",";
        key(&edges, "fromRead");
        edges << (e.from_read_only.load() ? "true" : "false");
        edges << ",";
        key(&edges, "toRead");
        edges << (e.to_read_only.load() ? "true" : "false");
        edges << ",";
        key(&edges, "threads");
        edges << (e.second_thread.load() ? "2" : "1");
        edges << ",";
        key(&edges, "gates");
        edges << "[";
        uint32_t gates = e.gate_count.load();
        bool first = true;
        for (uint32_t g = 0; g < gates; ++g) {
          const Str *gate = find_name(names, e.gates[g]);
          if (!gate) continue;
          if (!first) edges << ",";
          first = false;
          json_string(&edges, gate->c_str());
        }
        edges << "]}";
      });
  for (NodeName &n : names) internal_delete(n.stable_id);
  if (truncated) note_degraded("lock graph in SARIF truncated at max_sarif_graph_edges edges");
  *out << "{";
  key(out, "locks");
  *out << "[" << locks << "],";
  key(out, "edges");
  *out << "[" << edges << "]}";
}

}  // namespace

void json_string(Str *out, const char *text) {
  out->append_char('"');
  for (const char *c = text; *c; ++c) {
    unsigned char ch = static_cast<unsigned char>(*c);
    switch (ch) {
      case '"': *out << "\\\""; break;
      case '\\': *out << "\\\\"; break;
      case '\n': *out << "\\n"; break;
      case '\r': *out << "\\r"; break;
      case '\t': *out << "\\t"; break;
      default:
        if (ch < 0x20) {
          *out << "\\u00";
          out->append_hex(ch, 2);
        } else {
          out->append_char(char(ch));
        }
    }
  }
  out->append_char('"');
}

Str build_sarif(bool with_graph) {
  Str graph;
  if (with_graph) append_lock_graph(&graph);  // may add a degraded note
  Str out;
  out << "{";
  key(&out, "$schema");
  json_string(&out, "https://json.schemastore.org/sarif-2.1.0.json");
  out << ",";
  key(&out, "version");
  json_string(&out, "2.1.0");
  out << ",";
  key(&out, "runs");
  out << "[{";
  key(&out, "tool");
  out << "{";
  key(&out, "driver");
  out << "{";
  key(&out, "name");
  json_string(&out, "interlock-runtime");
  out << ",";
  key(&out, "version");
  json_string(&out, INTERLOCK_VERSION);
  out << ",";
  key(&out, "informationUri");
  json_string(&out, kInformationUri);
  out << ",";
  key(&out, "rules");
  append_rules(&out);
  out << "}},";
  key(&out, "results");
  out << "[";
  for (size_t i = 0; i < finding_count(); ++i) {
    if (i) out << ",";
    append_result(&out, finding_at(i));
  }
  out << "],";
  key(&out, "properties");
  out << "{";
  key(&out, "pid");
  out.append_u64(uint64_t(getpid()));
  out << ",";
  key(&out, "degraded");
  out << "[";
  const Vec<const char *> &degraded = degraded_notes();
  for (size_t i = 0; i < degraded.size(); ++i) {
    if (i) out << ",";
    json_string(&out, degraded[i]);
  }
  out << "]";
  if (with_graph) {
    out << ",";
    key(&out, "lockGraph");
    out << graph;
  }
  append_liveness_run_properties(&out);  // issue #4: contentionProfile (profile=1)
  out << "}}]}\n";
  return out;
}

namespace {
// write(2) until done; false on an error (a full disk, a quota).
bool write_fully(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t written = write(fd, data, size);
    if (written < 0 && errno == EINTR) continue;
    if (written <= 0) return false;
    data += written;
    size -= size_t(written);
  }
  return true;
}

// "interlock: cannot write SARIF file 'PATH': ENOSPC" (strerrorname_np is a
// table lookup: no locale, no malloc, safe on the signal path).
void complain(const char *what, const Str &path, int error) {
  Str msg;
  const char *name = strerrorname_np(error);
  msg << "interlock: " << what << " SARIF file '" << path << "': " << (name ? name : "error") << "\n";
  raw_write(2, msg.c_str(), msg.size());
}

// An existing path that is not a regular file (/dev/stdout, /dev/stderr, a
// FIFO, a device, a symbolic link): written in place, appended, never
// replaced. A rename over it would replace the device node or the link itself
// (as root: /dev/stdout, /dev/full), and truncating /dev/stdout would cut the
// program's own output when stdout is a file.
bool write_in_place(const Str &path, const Str &json) {
  int fd = open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    complain("cannot open", path, errno);
    return false;
  }
  bool written = write_fully(fd, json.c_str(), json.size());
  int write_error = errno;
  close(fd);
  if (!written) complain("cannot write", path, write_error);
  return written;
}
}  // namespace

// A regular file (or a new one) is written to PATH.tmp.PID and renamed, so a
// reader never sees half a file. Every failure says so on stderr and leaves
// no temporary file behind.
INTERLOCK_COLD bool write_sarif_file(bool with_graph) {
  Str path = expand_path_pattern(options().sarif, getpid());
  Str json = build_sarif(with_graph);
  struct stat existing;
  if (lstat(path.c_str(), &existing) == 0 && !S_ISREG(existing.st_mode)) return write_in_place(path, json);
  Str temp = path;
  temp << ".tmp.";
  temp.append_u64(uint64_t(getpid()));
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    complain("cannot create", path, errno);
    return false;
  }
  bool written = write_fully(fd, json.c_str(), json.size());
  int write_error = errno;
  if (close(fd) != 0 && written) {
    written = false;
    write_error = errno;
  }
  if (!written) {
    complain("cannot write", path, write_error);
    unlink(temp.c_str());
    return false;
  }
  if (rename(temp.c_str(), path.c_str()) != 0) {
    complain("cannot rename the temporary file to the", path, errno);
    unlink(temp.c_str());
    return false;
  }
  return true;
}

}  // namespace interlock
