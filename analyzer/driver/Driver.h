// The driver: loads the compile database, runs the facts consumer over every
// translation unit on N worker threads (each with its own ClangTool; each AST
// is freed as soon as its TU is done), and collects the per-TU facts.
#pragma once

#include "interlock/Analysis.h"
#include "output/Output.h"

#include <clang/Tooling/CompilationDatabase.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/raw_ostream.h>

#include <memory>
#include <string>
#include <vector>

namespace interlock {

/// `-p PATH`: a build directory holding compile_commands.json (or
/// compile_flags.txt), or the path of a compile_commands.json itself.
/// Fails with a message that says what is wrong and how to get a database.
llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>>
loadCompilationDatabase(llvm::StringRef path);

/// The files to analyze: `requested` (made absolute) or, when empty, every file
/// of the database. Requested files the database does not know go to `errors`.
std::vector<std::string> selectFiles(const clang::tooling::CompilationDatabase &db,
                                     const std::vector<std::string> &requested,
                                     std::vector<TUError> &errors);

/// Clang's resource directory (stddef.h, the intrinsics headers): the one this
/// build was configured with, else one relative to the executable, else what
/// `clang-19 -print-resource-dir` says. Empty if none is found.
std::string findResourceDir(const char *argv0);

struct DriverOptions {
  unsigned jobs = 0;            ///< 0: hardware concurrency
  std::string resourceDir;      ///< added as -resource-dir unless the command has one
  std::vector<std::string> extraArgs;       ///< appended to every command
  std::vector<std::string> extraArgsBefore; ///< inserted after the compiler name
  unsigned maxCrossTUPasses = kMaxCrossTUPasses; ///< see completeCrossTUWrappers (1: no re-parse)
};

struct DriverResult {
  std::vector<TUFactsPtr> facts;          ///< one per TU analyzed, in database order
  std::vector<std::string> analyzedFiles; ///< the same TUs' main files
  std::vector<TUError> errors;            ///< TUs that could not be analyzed
  CrossTUFixedPoint crossTU;              ///< passes made for cross-TU wrappers
};

/// Analyzes `files` in parallel. A TU that fails to parse is reported on
/// `diagnostics` (with clang's own messages) and left out; the rest go on.
DriverResult runFactsExtraction(const clang::tooling::CompilationDatabase &db,
                                const std::vector<std::string> &files,
                                const AnalyzerConfig &config, const DriverOptions &options,
                                llvm::raw_ostream &diagnostics);

/// The adjustments made to every compile command (exposed for tests):
/// drops arguments the clang driver does not know (gcc-only flags), adds
/// -resource-dir, silences warnings (only errors matter to the analysis),
/// names the input `mainFile` (absolute) instead of a relative spelling and
/// makes relative include paths absolute against the command's `directory`.
std::vector<std::string> adjustCommandLine(std::vector<std::string> args,
                                           const DriverOptions &options,
                                           llvm::StringRef mainFile = "",
                                           llvm::StringRef directory = "");

} // namespace interlock
