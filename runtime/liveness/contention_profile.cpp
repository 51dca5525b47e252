// Contention profile (profile=1), mutrace-like but in the same run as
// detection: per lock, acquisitions, contended acquisitions (the first
// try failed and the thread had to wait), total and longest wait, longest
// hold. Printed at exit as a table of the worst locks (by total wait) and
// written to SARIF runs[0].properties.contentionProfile (every lock).
//
// With profile=1 every acquisition and release is observed (a hash lookup
// and a clock read each): it is a measuring mode, not the default.
#include <unistd.h>

#include "common/code_layout.h"
#include "common/options.h"
#include "common/raw_output.h"
#include "common/spin_lock.h"
#include "liveness/liveness_internal.h"
#include "report/finding.h"
#include "report/sarif.h"

namespace interlock {
namespace {

struct LockStats {
  LockState *lock;
  std::atomic<uint64_t> acquisitions{0}, contended{0}, wait_total_ns{0}, wait_max_ns{0}, hold_max_ns{0};
  std::atomic<LockStats *> next{nullptr};
};

constexpr size_t kBuckets = 4096;  // chains grow: no limit on the number of locks
std::atomic<LockStats *> g_buckets[kBuckets];
SpinLock g_insert_lock;
std::atomic<size_t> g_stats_count{0};

LockStats *stats_of(LockState *lock) {
  std::atomic<LockStats *> &head = g_buckets[mix64(reinterpret_cast<uintptr_t>(lock)) % kBuckets];
  for (LockStats *s = head.load(std::memory_order_acquire); s; s = s->next.load(std::memory_order_acquire))
    if (s->lock == lock) return s;
  SpinGuard guard(g_insert_lock);
  for (LockStats *s = head.load(std::memory_order_acquire); s; s = s->next.load(std::memory_order_acquire))
    if (s->lock == lock) return s;
  auto *s = internal_new<LockStats>();
  s->lock = lock;
  s->next.store(head.load(std::memory_order_relaxed), std::memory_order_relaxed);
  head.store(s, std::memory_order_release);
  g_stats_count.fetch_add(1, std::memory_order_relaxed);
  return s;
}

void raise_to(std::atomic<uint64_t> &slot, uint64_t value) {
  uint64_t seen = slot.load(std::memory_order_relaxed);
  while (value > seen && !slot.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// Every lock with statistics, worst total wait first (then most contended,
// then most acquired).
Vec<LockStats *> sorted_stats() {
  Vec<LockStats *> all;
  for (auto &bucket : g_buckets)
    for (LockStats *s = bucket.load(std::memory_order_acquire); s; s = s->next.load(std::memory_order_acquire))
      all.push_back(s);
  auto worse = [](LockStats *a, LockStats *b) {
    uint64_t wa = a->wait_total_ns.load(), wb = b->wait_total_ns.load();
    if (wa != wb) return wa > wb;
    uint64_t ca = a->contended.load(), cb = b->contended.load();
    if (ca != cb) return ca > cb;
    return a->acquisitions.load() > b->acquisitions.load();
  };
  for (size_t i = 1; i < all.size(); ++i)  // insertion sort: done once, at exit
    for (size_t j = i; j > 0 && worse(all[j], all[j - 1]); --j) {
      LockStats *t = all[j];
      all[j] = all[j - 1];
      all[j - 1] = t;
    }
  return all;
}

void append_ms(Str *out, uint64_t ns) {
  out->append_u64(ns / 1000000) << ".";
  uint64_t frac = (ns / 1000) % 1000;
  if (frac < 100) *out << "0";
  if (frac < 10) *out << "0";
  out->append_u64(frac);
}

void pad_to(Str *line, size_t width) {
  while (line->size() < width) line->append_char(' ');
}

}  // namespace

void profile_on_acquired(LiveThread *r, LockState *lock, uint64_t now) {
  stats_of(lock)->acquisitions.fetch_add(1, std::memory_order_relaxed);
  r->holds.push_back(HoldMark{lock, now});
}

void profile_on_released(LiveThread *r, LockState *lock, uint64_t now) {
  for (size_t i = r->holds.size(); i-- > 0;) {
    if (r->holds[i].lock != lock) continue;
    raise_to(stats_of(lock)->hold_max_ns, now - r->holds[i].since_ns);
    r->holds.erase_at(i);
    return;
  }
}

void profile_on_contended_acquired(LockState *lock, uint64_t wait_ns) {
  LockStats *s = stats_of(lock);
  s->contended.fetch_add(1, std::memory_order_relaxed);
  s->wait_total_ns.fetch_add(wait_ns, std::memory_order_relaxed);
  raise_to(s->wait_max_ns, wait_ns);
}

INTERLOCK_COLD void print_profile_table() {
  Vec<LockStats *> all = sorted_stats();
  size_t rows = options().profile_top > 0 ? size_t(options().profile_top) : all.size();
  Str out, prefix;
  prefix << "==";
  prefix.append_u64(uint64_t(getpid())) << "== interlock: ";
  out << prefix << "contention profile: ";
  out.append_u64(all.size()) << " lock(s); the " << Str().append_u64(rows < all.size() ? rows : all.size())
                             << " with the longest total wait:\n";
  Str header("  lock                                   acquired  contended  wait total ms  wait max ms  hold max ms");
  out << header << "\n";
  for (size_t i = 0; i < all.size() && i < rows; ++i) {
    LockStats *s = all[i];
    LockName name = describe_lock(s->lock->address, s->lock->kind, s->lock->id,
                                  lock_first_site(s->lock));
    Str line("  ");
    line << name.display;
    pad_to(&line, 40);
    line << " ";
    Str n;
    n.append_u64(s->acquisitions.load());
    pad_to(&line, 40 + 10 - n.size());
    line << n;
    Str c;
    c.append_u64(s->contended.load());
    pad_to(&line, 40 + 10 + 11 - c.size());
    line << c;
    Str wt, wm, hm;
    append_ms(&wt, s->wait_total_ns.load());
    append_ms(&wm, s->wait_max_ns.load());
    append_ms(&hm, s->hold_max_ns.load());
    pad_to(&line, 40 + 10 + 11 + 15 - wt.size());
    line << wt;
    pad_to(&line, 40 + 10 + 11 + 15 + 13 - wm.size());
    line << wm;
    pad_to(&line, 40 + 10 + 11 + 15 + 13 + 13 - hm.size());
    line << hm << "\n";
    out << line;
  }
  raw_write(2, out.c_str(), out.size());
}

INTERLOCK_COLD void append_liveness_run_properties(Str *out) {
  if (!options().profile) return;
  Vec<LockStats *> all = sorted_stats();
  *out << ",";
  json_string(out, "contentionProfile");
  *out << ":[";
  for (size_t i = 0; i < all.size(); ++i) {
    LockStats *s = all[i];
    LockName name = describe_lock(s->lock->address, s->lock->kind, s->lock->id,
                                  lock_first_site(s->lock));
    if (i) *out << ",";
    *out << "{\"lock\":";
    json_string(out, name.stable_id.c_str());
    *out << ",\"name\":";
    json_string(out, name.short_name.c_str());
    *out << ",\"kind\":";
    json_string(out, lock_kind_name(s->lock->kind));
    *out << ",\"acquisitions\":";
    out->append_u64(s->acquisitions.load());
    *out << ",\"contended\":";
    out->append_u64(s->contended.load());
    *out << ",\"waitTotalNs\":";
    out->append_u64(s->wait_total_ns.load());
    *out << ",\"waitMaxNs\":";
    out->append_u64(s->wait_max_ns.load());
    *out << ",\"holdMaxNs\":";
    out->append_u64(s->hold_max_ns.load());
    *out << "}";
  }
  *out << "]";
}

void profile_release_locks_in_child() { g_insert_lock.unlock(); }

}  // namespace interlock
