#include "bank.h"

namespace bank {

std::mutex audit_mu;
long audit_count = 0;

void audit_record() {
  std::lock_guard<std::mutex> audit(audit_mu);          // DEADLOCK
  ++audit_count;                                        // NORACE
}

void audit_and_post() {
  std::lock_guard<std::mutex> audit(audit_mu);          // DEADLOCK
  std::lock_guard<std::mutex> ledger(ledger_mu);        // DEADLOCK
  ++audit_count;                                        // NORACE
  ++ledger_entries;                                     // NORACE
}

} // namespace bank
