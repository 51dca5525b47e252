// SIGABRT handling shared by the start-up code and the signal interceptors
// (interceptors/signal.cpp): the runtime's handler stays installed whatever
// the program does with signal() / sigaction(), and chains to the program's.
#pragma once

namespace interlock {

// Installs the runtime's SIGABRT handler, which calls `write_reports` and then
// the program's action (the one installed before, or set later through the
// intercepted signal functions). False when sigaction cannot be found.
bool install_abort_chain(void (*write_reports)());

}  // namespace interlock
