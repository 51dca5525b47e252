#include "bank.h"

#include <thread>

namespace bank {

std::mutex ledger_mu;
long ledger_entries = 0;

void post_entry() {
  std::lock_guard<std::mutex> ledger(ledger_mu);        // DEADLOCK
  ++ledger_entries;                                     // NORACE
  audit_record();
}

void run() {
  std::thread poster(post_entry);
  std::thread auditor(audit_and_post);
  poster.join();
  auditor.join();
}

} // namespace bank
