// Two mutexes defined in two files and taken in opposite orders across them:
// post_entry (bank_ledger.cpp) holds ledger_mu and calls audit_record
// (bank_audit.cpp), which takes audit_mu; audit_and_post takes audit_mu, then
// ledger_mu. Both run on their own thread: an ABBA deadlock across two TUs.
#pragma once

#include <mutex>

namespace bank {

extern std::mutex ledger_mu;
extern std::mutex audit_mu;
extern long ledger_entries;   // guarded by ledger_mu
extern long audit_count;      // guarded by audit_mu

void post_entry();        // ledger_mu, then (via audit_record) audit_mu
void audit_record();      // audit_mu
void audit_and_post();    // audit_mu, then ledger_mu
void run();

} // namespace bank
