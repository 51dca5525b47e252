// The lock-order graph between lock identities (see lock_registry.h).
//
// Reads are lock-free: `find_edge` probes an open-addressing table published
// through an atomic pointer, so the repeat case (every edge already known,
// nothing new about it) takes no global lock and allocates nothing. Writes
// (`add_occurrence`, `retire_lock`) take one spin lock; they happen only when
// an edge is new or tells something new (a second thread, fewer gate locks,
// a write mode where only reads were seen).
#pragma once
#include <atomic>
#include <cstdint>

#include "common/containers.h"
#include "common/spin_lock.h"
#include "core/lock_registry.h"
#include "core/stack.h"

namespace interlock {

struct GraphNode;

struct Edge {
  uint64_t from = 0, to = 0;
  uint64_t seq = 0;                  // creation order
  uint32_t first_thread = 0;         // tid of the first occurrence
  std::atomic<uint32_t> second_thread{0};  // some other tid seen, 0 if none yet
  // Intersection, over every occurrence, of the other locks held for writing
  // ("gates"). Only ever shrinks, in place, so lock-free readers stay safe.
  uint64_t *gates = nullptr;
  std::atomic<uint32_t> gate_count{0};
  std::atomic<bool> from_read_only{true};  // every occurrence held `from` shared
  std::atomic<bool> to_read_only{true};    // every occurrence acquired `to` shared
  bool from_try = false;             // first occurrence: `from` was try/timed-acquired
  std::atomic<bool> saturated{false};      // nothing left to learn
  std::atomic<bool> dead{false};
  // Stack-depot ids (core/stack_depot.h; 0 = none) of the first occurrence:
  uint32_t from_site = 0;            // acquisition of `from`
  uint32_t to_site = 0;              // acquisition of `to` (short)
  uint32_t to_stack = 0;             // first occurrence: full stack acquiring `to` (stack_depot_put_pcs id)
  Edge *next_out = nullptr;
  Edge *next_in = nullptr;
  Edge *next_retired = nullptr;
};

// 48 bytes (a 64-byte block of the internal allocator): one per lock
// identity that has edges.
struct GraphNode {
  uint64_t id = 0;
  uintptr_t address = 0;
  Edge *out = nullptr;
  Edge *in = nullptr;
  uint32_t mark = 0;                 // search generation (see LockGraph::next_mark)
  uint32_t first_site = 0;           // stack-depot id of the first acquisition, 0 if none
  LockKind kind = LockKind::kMutex;
  bool on_path = false;
};

// One observation of "thread tid acquires `to` while holding `from`".
struct EdgeOccurrence {
  const LockState *from_lock = nullptr;
  const LockState *to_lock = nullptr;
  uint64_t from = 0, to = 0;
  uint32_t tid = 0;
  const uint64_t *gates = nullptr;   // ids of other locks held for writing
  uint32_t gate_count = 0;
  bool from_read = false, to_read = false, from_try = false;
  const ShortStack *from_site = nullptr;
  const ShortStack *to_site = nullptr;
  const Vec<uintptr_t> *to_stack = nullptr;
  uint32_t from_first_site = 0;      // first acquisition sites (stack-depot ids), for node names
  uint32_t to_first_site = 0;
};

struct Cycle {
  Vec<Edge *> edges;       // in cycle order: edges[i]->to == edges[i+1]->from
  bool single_thread = false;
};

struct GraphStats {
  size_t nodes = 0, edges = 0;
  bool budget_exhausted = false;
};

class LockGraph {
 public:
  LockGraph();
  LockGraph(const LockGraph &) = delete;
  LockGraph &operator=(const LockGraph &) = delete;

  // Lock-free: the live edge from -> to, or null.
  Edge *find_edge(uint64_t from, uint64_t to) const;
  // True when an occurrence would tell nothing new about `edge` (lock-free).
  static bool occurrence_is_known(const Edge *edge, const EdgeOccurrence &occurrence);
  // The same for an occurrence with no gates (the repeat fast path): known
  // when nothing about thread or read mode is new and the edge has no gates.
  static bool gateless_occurrence_is_known(const Edge *edge, uint32_t tid, bool from_read, bool to_read);

  // Records an occurrence. When it makes the edge new or changes what is
  // known about it, looks for a reportable cycle through it; if one is found
  // that was never reported, fills `cycle` and returns true.
  bool add_occurrence(const EdgeOccurrence &occurrence, Cycle *cycle);

  // The identity `id` died: its edges go away (no false cycle from reuse).
  void retire_lock(uint64_t id);

  void set_cycle_search_budget(size_t budget) { budget_ = budget; }
  void set_report_single_thread(bool report) { report_single_thread_ = report; }
  GraphStats stats();
  void fork_lock() { lock_.lock(); }
  void fork_unlock() { lock_.unlock(); }

  // Visits nodes / live edges under the graph lock.
  template <typename NodeFn, typename EdgeFn>
  void visit(NodeFn node_fn, EdgeFn edge_fn);
  const GraphNode *node(uint64_t id);  // under no lock: nodes are never freed while live

 private:
  struct EdgeSlot {
    std::atomic<uint64_t> from, to;
    std::atomic<Edge *> edge;
  };
  struct EdgeTable {
    size_t capacity;  // power of two
    size_t used;      // including tombstones
    EdgeSlot slots[1];
  };

  GraphNode *node_locked(uint64_t id, bool create, const LockState *state, uint32_t first_site);
  void table_insert(Edge *edge);
  void table_remove(Edge *edge);
  void grow_table();
  void rebuild_in_place(EdgeTable *table);
  void release_table_pages(EdgeTable *table);
  void merge(Edge *edge, const EdgeOccurrence &occurrence, bool *changed);
  bool find_cycle(Edge *new_edge, Cycle *cycle);
  bool reachable(uint64_t from, uint64_t target);
  uint32_t next_mark();
  bool cycle_is_reportable(const Vec<Edge *> &edges, bool *single_thread) const;
  bool enumerate_cycles(Edge *new_edge, Cycle *cycle);
  bool remember_report(const Vec<Edge *> &edges);
  void unlink_edge(Edge *edge);

  SpinLock lock_;
  std::atomic<EdgeTable *> table_{nullptr};
  size_t live_edges_ = 0;
  uint64_t next_seq_ = 1;
  uint32_t mark_gen_ = 0;
  // id -> node, open addressing (under lock_)
  GraphNode **nodes_ = nullptr;
  size_t node_capacity_ = 0, node_used_ = 0, live_nodes_ = 0;
  Vec<uint64_t> reported_;    // hashes of cycles already reported
  Edge *retired_head_ = nullptr, *retired_tail_ = nullptr;
  size_t retired_count_ = 0;
  size_t budget_ = 100000;
  bool budget_exhausted_ = false;
  bool report_single_thread_ = false;
};

template <typename NodeFn, typename EdgeFn>
void LockGraph::visit(NodeFn node_fn, EdgeFn edge_fn) {
  SpinGuard guard(lock_);
  for (size_t i = 0; i < node_capacity_; ++i) {
    GraphNode *n = nodes_[i];
    if (!n || n->id == 0) continue;
    node_fn(*n);
  }
  for (size_t i = 0; i < node_capacity_; ++i) {
    GraphNode *n = nodes_[i];
    if (!n || n->id == 0) continue;
    for (Edge *e = n->out; e; e = e->next_out) edge_fn(*e);
  }
}

}  // namespace interlock
