// interlock: the command-line driver of Interlock.
//   interlock run [OPTIONS] -- PROG ARGS...   run a program under libinterlock
//   interlock report FILES... [OPTIONS]       merge SARIF, gate CI, draw pictures
#include "cli/Commands.h"
#include "sarif/SarifWriter.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

void printUsage(FILE *out) {
  std::fprintf(out,
               "usage: interlock <command> [options]\n\n"
               "commands:\n"
               "  run [OPTIONS] -- PROG ARGS...  run PROG with libinterlock.so preloaded; the exit\n"
               "                                 status is PROG's (66 when the runtime reported findings)\n"
               "  report FILES... [OPTIONS]      merge SARIF from interlock-check and runtime runs,\n"
               "                                 find cycles split across runs, apply baseline and\n"
               "                                 suppressions; exit 1 on findings, 2 on bad input\n\n"
               "Run 'interlock <command> --help' for the options of a command.\n");
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    printUsage(stderr);
    return interlock::report::kExitBadInput;
  }
  const std::string command = args.front();
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (command == "report")
    return interlock::report::runReportCommand(rest);
  if (command == "run")
    return interlock::report::runRunCommand(rest, argv[0]);
  if (command == "--help" || command == "-h" || command == "help") {
    printUsage(stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("interlock %s\n", interlock::report::kDriverVersion);
    return 0;
  }
  std::fprintf(stderr, "interlock: unknown command '%s' (expected 'run' or 'report')\n\n",
               command.c_str());
  printUsage(stderr);
  return interlock::report::kExitBadInput;
}
