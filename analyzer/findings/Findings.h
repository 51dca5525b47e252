// The detectors, run over the expanded whole program.
#pragma once

#include "interlock/AnalyzerConfig.h"
#include "interlock/Finding.h"
#include "program/Program.h"

#include <vector>

namespace interlock {

/// `data-race`: one finding per access of every racing pair.
void findDataRaces(const Program &program, std::vector<Finding> &out);
/// `lock-order-inversion`: one finding per acquisition site of every cycle.
void findLockOrderCycles(const Program &program, const AnalyzerConfig &config,
                         std::vector<Finding> &out);
/// `double-lock`: a non-recursive lock re-acquired while held (also through calls).
void findDoubleLocks(const Program &program, std::vector<Finding> &out);
/// `unresolved-lock` notes: locks whose identity the analysis could not name.
void reportUnresolvedLocks(const Program &program, std::vector<Finding> &out);

/// "a.cpp:12"
std::string shortSite(const SourceSite &site);
/// "`mu_`, `g_lock`" or "no lock"
std::string describeLocks(const std::vector<ResolvedLock> &locks);

} // namespace interlock
