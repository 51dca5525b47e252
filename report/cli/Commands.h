// The interlock subcommands. Each takes the arguments after its name and
// returns the process exit status.
#pragma once

#include <string>
#include <vector>

namespace interlock::report {

// Exit statuses of `interlock report` (and usage errors of every subcommand).
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitBadInput = 2;

int runReportCommand(const std::vector<std::string> &args);
int runRunCommand(const std::vector<std::string> &args, const std::string &selfPath);

// Where libinterlock.so is, trying in order: --runtime, $INTERLOCK_RUNTIME,
// <prefix>/lib*/libinterlock.so next to this executable, the build tree.
// Returns empty and fills `tried` when not found.
std::string findRuntime(const std::string &explicitPath, const std::string &selfPath,
                        std::vector<std::string> &tried);

// INTERLOCK_OPTIONS for the child: the inherited value, then `extra`, then
// sarif=<sarifPath> when given (replacing any earlier sarif=).
std::string composeRuntimeOptions(const std::string &inherited, const std::string &extra,
                                  const std::string &sarifPath);

} // namespace interlock::report
