#include "core/lock_graph.h"

#include <sys/mman.h>

namespace interlock {
namespace {

uint64_t edge_hash(uint64_t from, uint64_t to) { return mix64(from * 0x9e3779b97f4a7c15ull ^ to); }

// Quarantine for edges of dead locks: a lock-free reader may still hold a
// pointer it just found, so memory is freed only long after the unlink.
constexpr size_t kRetiredQuarantine = 4096;

}  // namespace

LockGraph::LockGraph() {
  size_t capacity = 1024;
  auto *table = static_cast<EdgeTable *>(internal_alloc(sizeof(EdgeTable) + capacity * sizeof(EdgeSlot)));
  table->capacity = capacity;
  table->used = 0;
  table_.store(table, std::memory_order_release);
  node_capacity_ = 1024;
  nodes_ = static_cast<GraphNode **>(internal_alloc(node_capacity_ * sizeof(GraphNode *)));
}

Edge *LockGraph::find_edge(uint64_t from, uint64_t to) const {
  EdgeTable *table = table_.load(std::memory_order_acquire);
  size_t mask = table->capacity - 1;
  for (size_t i = edge_hash(from, to) & mask;; i = (i + 1) & mask) {
    const EdgeSlot &slot = table->slots[i];
    uint64_t slot_from = slot.from.load(std::memory_order_acquire);
    if (slot_from == 0) return nullptr;
    if (slot_from == from && slot.to.load(std::memory_order_acquire) == to) {
      Edge *edge = slot.edge.load(std::memory_order_acquire);
      // The slot may have been emptied and refilled by an in-place rebuild
      // since `from` was read: the edge itself says what it is (edge memory
      // outlives any reader, see kRetiredQuarantine).
      if (edge && !edge->dead.load(std::memory_order_relaxed) && edge->from == from && edge->to == to) return edge;
      // a tombstone: keep probing, a live copy may sit further on
    }
  }
}

// Thread and read-mode news (the part of occurrence_is_known without gates).
static bool thread_or_mode_is_new(const Edge *edge, uint32_t tid, bool from_read, bool to_read) {
  if (tid != edge->first_thread && edge->second_thread.load(std::memory_order_relaxed) == 0) return true;
  if (!from_read && edge->from_read_only.load(std::memory_order_relaxed)) return true;
  return !to_read && edge->to_read_only.load(std::memory_order_relaxed);
}

bool LockGraph::gateless_occurrence_is_known(const Edge *edge, uint32_t tid, bool from_read, bool to_read) {
  if (edge->saturated.load(std::memory_order_acquire)) return true;
  return !thread_or_mode_is_new(edge, tid, from_read, to_read) && edge->gate_count.load(std::memory_order_acquire) == 0;
}

bool LockGraph::occurrence_is_known(const Edge *edge, const EdgeOccurrence &occ) {
  if (edge->saturated.load(std::memory_order_acquire)) return true;
  if (thread_or_mode_is_new(edge, occ.tid, occ.from_read, occ.to_read)) return false;
  uint32_t gate_count = edge->gate_count.load(std::memory_order_acquire);
  for (uint32_t i = 0; i < gate_count; ++i) {
    bool present = false;
    for (uint32_t j = 0; j < occ.gate_count && !present; ++j) present = occ.gates[j] == edge->gates[i];
    if (!present) return false;  // this occurrence has fewer gates: news
  }
  return true;
}

GraphNode *LockGraph::node_locked(uint64_t id, bool create, const LockState *state, uint32_t first_site) {
  size_t mask = node_capacity_ - 1;
  size_t tombstone = SIZE_MAX;
  size_t i = mix64(id) & mask;
  for (;; i = (i + 1) & mask) {
    GraphNode *n = nodes_[i];
    if (!n) break;
    if (n->id == id) return n;
    if (n->id == 0 && tombstone == SIZE_MAX) tombstone = i;
  }
  if (!create) return nullptr;
  GraphNode *n;
  if (tombstone != SIZE_MAX) {
    n = nodes_[tombstone];
    *n = GraphNode();
  } else {
    n = internal_new<GraphNode>();
    nodes_[i] = n;
    ++node_used_;
  }
  n->id = id;
  if (state) {
    n->address = state->address;
    n->kind = state->kind;
  }
  n->first_site = first_site;
  ++live_nodes_;
  if (node_used_ * 2 > node_capacity_) {  // rehash, dropping tombstones
    size_t old_capacity = node_capacity_;
    GraphNode **old = nodes_;
    node_capacity_ = live_nodes_ * 4 > 1024 ? live_nodes_ * 4 : 1024;
    size_t pow2 = 1024;
    while (pow2 < node_capacity_) pow2 <<= 1;
    node_capacity_ = pow2;
    nodes_ = static_cast<GraphNode **>(internal_alloc(node_capacity_ * sizeof(GraphNode *)));
    node_used_ = 0;
    for (size_t k = 0; k < old_capacity; ++k) {
      GraphNode *m = old[k];
      if (!m) continue;
      if (m->id == 0) {
        internal_delete(m);
        continue;
      }
      size_t j = mix64(m->id) & (node_capacity_ - 1);
      while (nodes_[j]) j = (j + 1) & (node_capacity_ - 1);
      nodes_[j] = m;
      ++node_used_;
    }
    internal_free(old);
  }
  return n;
}

const GraphNode *LockGraph::node(uint64_t id) {
  SpinGuard guard(lock_);
  return node_locked(id, false, nullptr, 0);
}

void LockGraph::table_insert(Edge *edge) {
  EdgeTable *table = table_.load(std::memory_order_relaxed);
  if ((table->used + 1) * 2 > table->capacity) {
    grow_table();  // an in-place rebuild may already have inserted `edge` (it is in its node's list)
    table = table_.load(std::memory_order_relaxed);
  }
  size_t mask = table->capacity - 1;
  size_t i = edge_hash(edge->from, edge->to) & mask;
  for (; table->slots[i].from.load(std::memory_order_relaxed) != 0; i = (i + 1) & mask)
    if (table->slots[i].edge.load(std::memory_order_relaxed) == edge) return;
  EdgeSlot &slot = table->slots[i];
  slot.edge.store(edge, std::memory_order_relaxed);
  slot.to.store(edge->to, std::memory_order_relaxed);
  slot.from.store(edge->from, std::memory_order_release);  // publishes the slot
  ++table->used;
}

void LockGraph::table_remove(Edge *edge) {
  EdgeTable *table = table_.load(std::memory_order_relaxed);
  size_t mask = table->capacity - 1;
  for (size_t i = edge_hash(edge->from, edge->to) & mask;; i = (i + 1) & mask) {
    EdgeSlot &slot = table->slots[i];
    uint64_t from = slot.from.load(std::memory_order_relaxed);
    if (from == 0) return;
    if (slot.edge.load(std::memory_order_relaxed) == edge) {
      slot.edge.store(nullptr, std::memory_order_release);  // tombstone
      return;
    }
  }
}

// A replaced table stays mapped (a lock-free reader may still probe it) but
// the pages of its slots are given back: they read as zero from then on, i.e.
// as empty slots, so a late reader just misses and takes the locked path.
// The page holding the header (capacity) is kept. Small tables share pages
// with other allocations and are left alone.
void LockGraph::release_table_pages(EdgeTable *table) {
  constexpr uintptr_t kPage = 4096;
  size_t bytes = table->capacity * sizeof(EdgeSlot);
  if (bytes < 64 * 1024) return;
  uintptr_t slots = reinterpret_cast<uintptr_t>(&table->slots[0]);
  uintptr_t begin = (slots + kPage - 1) & ~(kPage - 1);
  uintptr_t end = (slots + bytes) & ~(kPage - 1);
  if (end > begin) madvise(reinterpret_cast<void *>(begin), end - begin, MADV_DONTNEED);
}

// Rebuilds the table for the live edges, dropping tombstones. When the live
// edges fit the current capacity, the table is rebuilt in place: a lock-free
// reader racing with it may miss an edge (find_edge returns null, and the
// caller then takes the graph lock and finds the edge in the node's list) or
// see a slot refilled with another edge (find_edge checks the edge's own
// from/to), never a wrong edge, and always finds an empty slot (at most half
// the slots are used). Only a bigger table is a new allocation; the old one is
// leaked on purpose (readers may still probe it), and since capacities only
// double, all leaked tables together are smaller than the live one. (Leaking
// a same-size table at every tombstone cleanup cost ~0.5 KiB per retired lock
// identity, e.g. per exited thread that had a lock of its own.)
void LockGraph::grow_table() {
  EdgeTable *old = table_.load(std::memory_order_relaxed);
  size_t capacity = 1024;
  while (capacity < (live_edges_ + 1) * 4) capacity <<= 1;
  if (capacity <= old->capacity) {
    rebuild_in_place(old);
    return;
  }
  auto *table = static_cast<EdgeTable *>(internal_alloc(sizeof(EdgeTable) + capacity * sizeof(EdgeSlot)));
  table->capacity = capacity;
  table->used = 0;
  for (size_t i = 0; i < old->capacity; ++i) {
    Edge *edge = old->slots[i].edge.load(std::memory_order_relaxed);
    if (!edge || edge->dead.load(std::memory_order_relaxed)) continue;
    size_t j = edge_hash(edge->from, edge->to) & (capacity - 1);
    while (table->slots[j].from.load(std::memory_order_relaxed) != 0) j = (j + 1) & (capacity - 1);
    table->slots[j].edge.store(edge, std::memory_order_relaxed);
    table->slots[j].to.store(edge->to, std::memory_order_relaxed);
    table->slots[j].from.store(edge->from, std::memory_order_relaxed);
    ++table->used;
  }
  table_.store(table, std::memory_order_release);
  release_table_pages(old);
}

// Under lock_: empties every slot, then re-inserts the live edges (found
// through the nodes' out-lists, which hold exactly the live edges).
void LockGraph::rebuild_in_place(EdgeTable *table) {
  for (size_t i = 0; i < table->capacity; ++i) {
    EdgeSlot &slot = table->slots[i];
    slot.from.store(0, std::memory_order_release);
    slot.edge.store(nullptr, std::memory_order_release);
    slot.to.store(0, std::memory_order_relaxed);
  }
  table->used = 0;
  for (size_t i = 0; i < node_capacity_; ++i) {
    GraphNode *n = nodes_[i];
    if (!n || n->id == 0) continue;
    for (Edge *e = n->out; e; e = e->next_out) table_insert(e);
  }
}

void LockGraph::merge(Edge *edge, const EdgeOccurrence &occ, bool *changed) {
  if (occ.tid != edge->first_thread && edge->second_thread.load(std::memory_order_relaxed) == 0) {
    edge->second_thread.store(occ.tid, std::memory_order_relaxed);
    *changed = true;
  }
  if (!occ.from_read && edge->from_read_only.load(std::memory_order_relaxed)) {
    edge->from_read_only.store(false, std::memory_order_relaxed);
    *changed = true;
  }
  if (!occ.to_read && edge->to_read_only.load(std::memory_order_relaxed)) {
    edge->to_read_only.store(false, std::memory_order_relaxed);
    *changed = true;
  }
  uint32_t count = edge->gate_count.load(std::memory_order_relaxed);
  uint32_t kept = 0;
  for (uint32_t i = 0; i < count; ++i) {
    bool present = false;
    for (uint32_t j = 0; j < occ.gate_count && !present; ++j) present = occ.gates[j] == edge->gates[i];
    if (present) edge->gates[kept++] = edge->gates[i];
  }
  if (kept != count) {
    edge->gate_count.store(kept, std::memory_order_release);
    *changed = true;
  }
  bool saturated = edge->second_thread.load(std::memory_order_relaxed) != 0 && kept == 0 &&
                   !edge->from_read_only.load(std::memory_order_relaxed) &&
                   !edge->to_read_only.load(std::memory_order_relaxed);
  edge->saturated.store(saturated, std::memory_order_release);
}

bool LockGraph::add_occurrence(const EdgeOccurrence &occ, Cycle *cycle) {
  SpinGuard guard(lock_);
  Edge *edge = nullptr;
  {
    GraphNode *from_node = node_locked(occ.from, true, occ.from_lock, occ.from_first_site);
    for (Edge *e = from_node->out; e; e = e->next_out)
      if (e->to == occ.to) edge = e;
  }
  bool changed = false;
  if (!edge) {
    GraphNode *to_node = node_locked(occ.to, true, occ.to_lock, occ.to_first_site);
    GraphNode *from_node = node_locked(occ.from, false, nullptr, 0);
    edge = internal_new<Edge>();
    edge->from = occ.from;
    edge->to = occ.to;
    edge->seq = next_seq_++;
    edge->first_thread = occ.tid;
    if (occ.gate_count) {
      edge->gates = static_cast<uint64_t *>(internal_alloc(occ.gate_count * sizeof(uint64_t)));
      memcpy(edge->gates, occ.gates, occ.gate_count * sizeof(uint64_t));
    }
    edge->gate_count.store(occ.gate_count, std::memory_order_relaxed);
    edge->from_read_only.store(occ.from_read, std::memory_order_relaxed);
    edge->to_read_only.store(occ.to_read, std::memory_order_relaxed);
    edge->from_try = occ.from_try;
    if (occ.from_site) edge->from_site = stack_depot_put(*occ.from_site);
    if (occ.to_site) edge->to_site = stack_depot_put(*occ.to_site);
    if (occ.to_stack) edge->to_stack = stack_depot_put_pcs(occ.to_stack->begin(), occ.to_stack->size());
    edge->next_out = from_node->out;
    from_node->out = edge;
    edge->next_in = to_node->in;
    to_node->in = edge;
    ++live_edges_;
    table_insert(edge);
    changed = true;
  } else {
    merge(edge, occ, &changed);
  }
  if (!changed) return false;
  return find_cycle(edge, cycle);
}

// A fresh search generation. When the 32-bit counter wraps, every mark is
// cleared first, so an old mark can never equal the new generation.
uint32_t LockGraph::next_mark() {
  if (++mark_gen_ == 0) {
    for (size_t i = 0; i < node_capacity_; ++i)
      if (nodes_[i]) nodes_[i]->mark = 0;
    mark_gen_ = 1;
  }
  return mark_gen_;
}

bool LockGraph::reachable(uint64_t start, uint64_t target) {
  uint32_t gen = next_mark();
  Vec<GraphNode *> stack;
  GraphNode *first = node_locked(start, false, nullptr, 0);
  if (!first) return false;
  first->mark = gen;
  stack.push_back(first);
  while (!stack.empty()) {
    GraphNode *n = stack.back();
    stack.pop_back();
    if (n->id == target) return true;
    for (Edge *e = n->out; e; e = e->next_out) {
      GraphNode *next = node_locked(e->to, false, nullptr, 0);
      if (next && next->mark != gen) {
        next->mark = gen;
        stack.push_back(next);
      }
    }
  }
  return false;
}

bool LockGraph::cycle_is_reportable(const Vec<Edge *> &edges, bool *single_thread) const {
  // Reader rule: at each lock, the edge into it and the edge out of it must
  // not both be shared holds (readers do not block readers; glibc's default
  // rwlock prefers readers, so a waiting writer does not block them either).
  for (size_t i = 0; i < edges.size(); ++i) {
    const Edge *in = edges[i];
    const Edge *out = edges[(i + 1) % edges.size()];
    if (in->to_read_only.load(std::memory_order_relaxed) && out->from_read_only.load(std::memory_order_relaxed))
      return false;
  }
  // Gate rule: a lock held (for writing) at every edge serialises them all.
  const Edge *first = edges[0];
  uint32_t first_gates = first->gate_count.load(std::memory_order_relaxed);
  for (uint32_t g = 0; g < first_gates; ++g) {
    uint64_t gate = first->gates[g];
    bool everywhere = true;
    for (size_t i = 1; i < edges.size() && everywhere; ++i) {
      const Edge *e = edges[i];
      bool present = false;
      uint32_t n = e->gate_count.load(std::memory_order_relaxed);
      for (uint32_t k = 0; k < n && !present; ++k) present = e->gates[k] == gate;
      everywhere = present;
    }
    if (everywhere) return false;
  }
  // Thread rule: edges all made by one thread cannot deadlock by themselves.
  bool one_thread = true;
  for (const Edge *e : edges)
    if (e->second_thread.load(std::memory_order_relaxed) != 0 || e->first_thread != first->first_thread) one_thread = false;
  *single_thread = one_thread;
  return !one_thread || report_single_thread_;
}

// Depth-first enumeration of simple paths to->...->from, bounded by budget_.
bool LockGraph::enumerate_cycles(Edge *new_edge, Cycle *cycle) {
  struct Frame {
    GraphNode *node;
    Edge *next;
  };
  Vec<Frame> stack;
  Vec<Edge *> path;
  path.push_back(new_edge);
  GraphNode *start = node_locked(new_edge->to, false, nullptr, 0);
  GraphNode *from = node_locked(new_edge->from, false, nullptr, 0);
  if (!start || !from) return false;
  start->on_path = true;
  from->on_path = true;
  stack.push_back(Frame{start, start->out});
  size_t visits = 0;
  bool found = false;
  while (!stack.empty() && !found) {
    Frame &top = stack.back();
    Edge *e = top.next;
    if (!e) {
      top.node->on_path = top.node == from;
      stack.pop_back();
      path.pop_back();
      continue;
    }
    top.next = e->next_out;
    if (++visits > budget_) {
      budget_exhausted_ = true;
      break;
    }
    path.push_back(e);
    if (e->to == new_edge->from) {
      bool single = false;
      if (cycle_is_reportable(path, &single) && remember_report(path)) {
        found = true;
        cycle->single_thread = single;
        // path = new_edge, e1, ..., ek: already in cycle order
        cycle->edges = path;
        break;
      }
      path.pop_back();
      continue;
    }
    GraphNode *next = node_locked(e->to, false, nullptr, 0);
    if (!next || next->on_path) {
      path.pop_back();
      continue;
    }
    next->on_path = true;
    stack.push_back(Frame{next, next->out});
  }
  for (Frame &f : stack) f.node->on_path = false;
  from->on_path = false;
  start->on_path = false;
  return found;
}

bool LockGraph::find_cycle(Edge *new_edge, Cycle *cycle) {
  if (new_edge->from == new_edge->to) return false;
  if (!reachable(new_edge->to, new_edge->from)) return false;
  if (!enumerate_cycles(new_edge, cycle)) return false;
  // Rotate so the cycle starts at its oldest edge (stable, reads naturally).
  size_t oldest = 0;
  for (size_t i = 1; i < cycle->edges.size(); ++i)
    if (cycle->edges[i]->seq < cycle->edges[oldest]->seq) oldest = i;
  Vec<Edge *> rotated;
  for (size_t i = 0; i < cycle->edges.size(); ++i) rotated.push_back(cycle->edges[(oldest + i) % cycle->edges.size()]);
  cycle->edges = rotated;
  return true;
}

// A cycle is reported once: keyed by its set of (from, to) pairs.
bool LockGraph::remember_report(const Vec<Edge *> &edges) {
  uint64_t key = 0;
  for (const Edge *e : edges) key += edge_hash(e->from, e->to);  // order-free
  key = mix64(key ^ edges.size());
  if (reported_.contains(key)) return false;
  reported_.push_back(key);
  return true;
}

void LockGraph::unlink_edge(Edge *edge) {
  GraphNode *from = node_locked(edge->from, false, nullptr, 0);
  GraphNode *to = node_locked(edge->to, false, nullptr, 0);
  if (from)
    for (Edge **link = &from->out; *link; link = &(*link)->next_out)
      if (*link == edge) {
        *link = edge->next_out;
        break;
      }
  if (to)
    for (Edge **link = &to->in; *link; link = &(*link)->next_in)
      if (*link == edge) {
        *link = edge->next_in;
        break;
      }
  edge->dead.store(true, std::memory_order_release);
  table_remove(edge);
  --live_edges_;
  // quarantine, then free the oldest
  edge->next_retired = nullptr;
  if (retired_tail_) retired_tail_->next_retired = edge;
  else retired_head_ = edge;
  retired_tail_ = edge;
  if (++retired_count_ > kRetiredQuarantine) {
    Edge *oldest = retired_head_;
    retired_head_ = oldest->next_retired;
    if (!retired_head_) retired_tail_ = nullptr;
    --retired_count_;
    internal_free(oldest->gates);
    internal_delete(oldest);
  }
}

void LockGraph::retire_lock(uint64_t id) {
  SpinGuard guard(lock_);
  GraphNode *n = node_locked(id, false, nullptr, 0);
  if (!n) return;
  while (n->out) unlink_edge(n->out);
  while (n->in) unlink_edge(n->in);
  n->id = 0;  // tombstone; memory reused by the next node in this slot
  --live_nodes_;
  EdgeTable *table = table_.load(std::memory_order_relaxed);
  if (table->used > 64 && table->used > live_edges_ * 8) grow_table();  // drop tombstones
}

GraphStats LockGraph::stats() {
  SpinGuard guard(lock_);
  GraphStats s;
  s.nodes = live_nodes_;
  s.edges = live_edges_;
  s.budget_exhausted = budget_exhausted_;
  return s;
}

}  // namespace interlock
