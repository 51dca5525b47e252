#include "driver/Driver.h"

#include <clang/Basic/Diagnostic.h>
#include <clang/Basic/DiagnosticOptions.h>
#include <clang/Basic/Stack.h>
#include <clang/Driver/Options.h>
#include <clang/Frontend/CompilerInstance.h>
#include <clang/Frontend/FrontendAction.h>
#include <clang/Frontend/TextDiagnosticPrinter.h>
#include <clang/Tooling/JSONCompilationDatabase.h>
#include <clang/Tooling/Tooling.h>
#include <llvm/Option/ArgList.h>
#include <llvm/Option/OptTable.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/VirtualFileSystem.h>
#include <llvm/Support/thread.h>

#include <atomic>
#include <mutex>
#include <thread>

namespace interlock {

namespace tooling = clang::tooling;

// ---- compile database ----------------------------------------------------

static llvm::Error databaseError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

llvm::Expected<std::unique_ptr<tooling::CompilationDatabase>>
loadCompilationDatabase(llvm::StringRef path) {
  std::string error;
  if (!llvm::sys::fs::exists(path))
    return databaseError("build directory '" + path + "' does not exist");
  if (!llvm::sys::fs::is_directory(path)) {
    auto db = tooling::JSONCompilationDatabase::loadFromFile(
        path, error, tooling::JSONCommandLineSyntax::AutoDetect);
    if (!db)
      return databaseError("cannot read compile database '" + path + "': " + error);
    return std::unique_ptr<tooling::CompilationDatabase>(std::move(db));
  }
  llvm::SmallString<256> json(path);
  llvm::sys::path::append(json, "compile_commands.json");
  if (llvm::sys::fs::exists(json)) {
    auto db = tooling::JSONCompilationDatabase::loadFromFile(
        json, error, tooling::JSONCommandLineSyntax::AutoDetect);
    if (!db)
      return databaseError("cannot read compile database '" + json + "': " + error);
    return std::unique_ptr<tooling::CompilationDatabase>(std::move(db));
  }
  if (auto db = tooling::CompilationDatabase::loadFromDirectory(path, error))
    return db;
  return databaseError("no compile_commands.json in '" + path +
                       "' (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or "
                       "run the build under `bear -- make`)");
}

std::vector<std::string> selectFiles(const tooling::CompilationDatabase &db,
                                     const std::vector<std::string> &requested,
                                     std::vector<TUError> &errors) {
  if (requested.empty())
    return db.getAllFiles();
  std::vector<std::string> files;
  for (const std::string &file : requested) {
    llvm::SmallString<256> absolute(file);
    llvm::sys::fs::make_absolute(absolute);
    llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
    if (db.getCompileCommands(absolute).empty()) {
      errors.push_back({absolute.str().str(), "not in the compile database"});
      continue;
    }
    files.push_back(absolute.str().str());
  }
  return files;
}

// ---- resource directory ---------------------------------------------------

static bool isResourceDir(llvm::StringRef dir) {
  llvm::SmallString<256> header(dir);
  llvm::sys::path::append(header, "include", "stddef.h");
  return !dir.empty() && llvm::sys::fs::exists(header);
}

static std::string askClangForResourceDir() {
  for (const char *name : {"clang-19", "clang"}) {
    auto clang = llvm::sys::findProgramByName(name);
    if (!clang)
      continue;
    llvm::SmallString<128> output;
    if (llvm::sys::fs::createTemporaryFile("interlock-resource-dir", "txt", output))
      return "";
    std::optional<llvm::StringRef> redirects[] = {std::nullopt, llvm::StringRef(output),
                                                  llvm::StringRef("")};
    int rc = llvm::sys::ExecuteAndWait(*clang, {*clang, "-print-resource-dir"},
                                       std::nullopt, redirects);
    std::string dir;
    if (rc == 0)
      if (auto buffer = llvm::MemoryBuffer::getFile(output))
        dir = (*buffer)->getBuffer().trim().str();
    llvm::sys::fs::remove(output);
    if (isResourceDir(dir))
      return dir;
  }
  return "";
}

std::string findResourceDir(const char *argv0) {
  if (isResourceDir(INTERLOCK_CLANG_RESOURCE_DIR))
    return INTERLOCK_CLANG_RESOURCE_DIR;
  std::string executable =
      llvm::sys::fs::getMainExecutable(argv0, reinterpret_cast<void *>(&findResourceDir));
  llvm::StringRef binDir = llvm::sys::path::parent_path(executable);
  for (const char *relative : {"../lib/clang/19", "../lib/llvm-19/lib/clang/19"}) {
    llvm::SmallString<256> candidate(binDir);
    llvm::sys::path::append(candidate, relative);
    llvm::sys::path::remove_dots(candidate, true);
    if (isResourceDir(candidate))
      return candidate.str().str();
  }
  return askClangForResourceDir();
}

// ---- command-line adjustments ---------------------------------------------

// Arguments the clang driver does not know (gcc-only flags such as
// -fconserve-stack) would fail the whole TU; drop them, as clangd does.
static std::vector<std::string> dropUnknownArguments(std::vector<std::string> args) {
  if (args.size() < 2)
    return args;
  std::vector<const char *> argv;
  for (size_t i = 1; i < args.size(); ++i)
    argv.push_back(args[i].c_str());
  const llvm::opt::OptTable &table = clang::driver::getDriverOptTable();
  unsigned missingIndex = 0, missingCount = 0;
  llvm::opt::InputArgList parsed = table.ParseArgs(argv, missingIndex, missingCount);
  std::vector<bool> unknown(args.size(), false);
  for (const llvm::opt::Arg *arg : parsed.filtered(clang::driver::options::OPT_UNKNOWN))
    unknown[arg->getIndex() + 1] = true;
  std::vector<std::string> kept;
  for (size_t i = 0; i < args.size(); ++i)
    if (!unknown[i])
      kept.push_back(std::move(args[i]));
  return kept;
}

static bool hasResourceDir(const std::vector<std::string> &args) {
  for (const std::string &arg : args)
    if (llvm::StringRef(arg).starts_with("-resource-dir"))
      return true;
  return false;
}

// Relative paths in a command are relative to its directory. The input file
// and include directories are made absolute, so every source location the
// analysis records names its file absolutely, whatever the process' cwd.
static void makePathsAbsolute(std::vector<std::string> &args, llvm::StringRef mainFile,
                              llvm::StringRef directory) {
  auto absolute = [&](llvm::StringRef path) {
    llvm::SmallString<256> joined(directory);
    llvm::sys::path::append(joined, path);
    llvm::sys::path::remove_dots(joined, /*remove_dot_dot=*/true);
    return joined.str().str();
  };
  static const char *const pathFlags[] = {"-I", "-isystem", "-iquote", "-idirafter",
                                          "-include", "-imacros"};
  bool nextIsPath = false;
  for (size_t i = 1; i < args.size(); ++i) {
    llvm::StringRef arg = args[i];
    if (nextIsPath) {
      nextIsPath = false;
      if (!directory.empty() && !llvm::sys::path::is_absolute(arg))
        args[i] = absolute(arg);
      continue;
    }
    if (!arg.starts_with("-")) {
      // The input file: the one the database resolved for this command.
      llvm::SmallString<256> relative(arg);
      llvm::sys::path::remove_dots(relative, /*remove_dot_dot=*/true);
      if (!llvm::sys::path::is_absolute(arg) && llvm::sys::path::is_absolute(mainFile) &&
          mainFile.ends_with("/" + relative.str().str()))
        args[i] = mainFile.str();
      continue;
    }
    for (const char *flag : pathFlags) {
      if (arg == flag) {
        nextIsPath = true;
      } else if (arg.starts_with(flag) && !directory.empty()) {
        llvm::StringRef value = arg.drop_front(llvm::StringRef(flag).size());
        // "-Iinc" but not "-include" read as "-I" + "nclude".
        bool longerFlag = false;
        for (const char *other : pathFlags)
          longerFlag |= llvm::StringRef(other).size() > llvm::StringRef(flag).size() &&
                        arg.starts_with(other);
        // ...and not another option sharing the prefix ("-include-pch").
        if (!longerFlag && !value.empty() && !value.starts_with("-") &&
            !llvm::sys::path::is_absolute(value))
          args[i] = flag + absolute(value);
      } else {
        continue;
      }
      break;
    }
  }
}

std::vector<std::string> adjustCommandLine(std::vector<std::string> args,
                                           const DriverOptions &options,
                                           llvm::StringRef mainFile,
                                           llvm::StringRef directory) {
  args = dropUnknownArguments(std::move(args));
  makePathsAbsolute(args, mainFile, directory);
  std::vector<std::string> front;
  if (!options.resourceDir.empty() && !hasResourceDir(args))
    front.push_back("-resource-dir=" + options.resourceDir);
  front.insert(front.end(), options.extraArgsBefore.begin(), options.extraArgsBefore.end());
  if (!args.empty())
    args.insert(args.begin() + 1, front.begin(), front.end());
  // Warnings are never shown (only errors stop the analysis); an unknown
  // warning flag of a gcc-built database must not become an error via -Werror.
  std::vector<std::string> back = {"-w", "-Wno-unknown-warning-option", "-Wno-error"};
  back.insert(back.end(), options.extraArgs.begin(), options.extraArgs.end());
  // Arguments after "--" are input files: insert before it.
  auto dashDash = std::find(args.begin(), args.end(), "--");
  args.insert(dashDash, back.begin(), back.end());
  return args;
}

// ---- per-TU run ------------------------------------------------------------

namespace {

// FrontendActionFactory::runInvocation, except that clang's "N errors
// generated." goes to the TU's captured diagnostics instead of stderr.
class FactsToolAction : public tooling::ToolAction {
public:
  FactsToolAction(TUFacts &facts, const AnalyzerConfig &config, llvm::raw_ostream &verbose)
      : facts_(facts), config_(config), verbose_(verbose) {}
  bool runInvocation(std::shared_ptr<clang::CompilerInvocation> invocation,
                     clang::FileManager *files,
                     std::shared_ptr<clang::PCHContainerOperations> pchOperations,
                     clang::DiagnosticConsumer *diagnostics) override {
    clang::CompilerInstance compiler(std::move(pchOperations));
    compiler.setInvocation(std::move(invocation));
    compiler.setFileManager(files);
    compiler.createDiagnostics(diagnostics, /*ShouldOwnClient=*/false);
    if (!compiler.hasDiagnostics())
      return false;
    compiler.createSourceManager(*files);
    compiler.setVerboseOutputStream(verbose_);
    std::unique_ptr<clang::FrontendAction> action = makeFactsAction(facts_, config_);
    bool success = compiler.ExecuteAction(*action);
    files->clearStatCache();
    return success;
  }

private:
  TUFacts &facts_;
  const AnalyzerConfig &config_;
  llvm::raw_ostream &verbose_;
};

struct TUOutcome {
  TUFactsPtr facts;
  bool ok = false;
  std::string clangDiagnostics;
};

TUOutcome analyzeOneFile(const tooling::CompilationDatabase &db, const std::string &file,
                         const AnalyzerConfig &config, const DriverOptions &options) {
  TUOutcome outcome;
  outcome.facts = newFacts();
  llvm::raw_string_ostream diagnosticsStream(outcome.clangDiagnostics);
  auto diagOptions = llvm::makeIntrusiveRefCnt<clang::DiagnosticOptions>();
  clang::TextDiagnosticPrinter printer(diagnosticsStream, diagOptions.get());

  // A physical file system of our own: the default real one changes the
  // process-wide working directory to each command's, which parallel workers
  // (and the output stage, which shows paths relative to it) must not see.
  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> fileSystem(
      llvm::vfs::createPhysicalFileSystem().release());
  tooling::ClangTool tool(db, {file}, std::make_shared<clang::PCHContainerOperations>(),
                          fileSystem);
  tool.setDiagnosticConsumer(&printer);
  tool.setPrintErrorMessage(false);
  // Commands for one file share their directory in practice; take the first.
  std::vector<tooling::CompileCommand> commands = db.getCompileCommands(file);
  std::string directory = commands.empty() ? "" : commands.front().Directory;
  tool.appendArgumentsAdjuster(
      [&options, &file, &directory](const tooling::CommandLineArguments &args, llvm::StringRef) {
        return adjustCommandLine(args, options, file, directory);
      });
  FactsToolAction action(*outcome.facts, config, diagnosticsStream);
  outcome.ok = tool.run(&action) == 0;
  diagnosticsStream.flush();
  return outcome;
}

std::string firstErrorLine(llvm::StringRef diagnostics) {
  while (!diagnostics.empty()) {
    auto [line, rest] = diagnostics.split('\n');
    if (line.contains("error:"))
      return line.str();
    diagnostics = rest;
  }
  return "clang reported errors";
}

// Analyzes files[indexes[k]] into outcomes[indexes[k]] on worker threads.
void analyzeFiles(const tooling::CompilationDatabase &db, const std::vector<std::string> &files,
                  const std::vector<size_t> &indexes, const AnalyzerConfig &config,
                  const DriverOptions &options, llvm::raw_ostream &diagnostics,
                  std::vector<TUOutcome> &outcomes) {
  std::atomic<size_t> next{0};
  std::mutex diagnosticsMutex;

  // Workers take the next file as they finish one, so a large TU does not
  // hold up a whole pre-assigned share.
  auto worker = [&] {
    for (size_t k = next++; k < indexes.size(); k = next++) {
      size_t i = indexes[k];
      outcomes[i] = analyzeOneFile(db, files[i], config, options);
      if (!outcomes[i].ok) {
        std::lock_guard<std::mutex> lock(diagnosticsMutex);
        diagnostics << "interlock-check: error: could not analyze " << files[i] << ": "
                    << firstErrorLine(outcomes[i].clangDiagnostics) << "\n"
                    << outcomes[i].clangDiagnostics;
        diagnostics.flush();
      }
    }
  };
  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  jobs = std::max<size_t>(1, std::min<size_t>(jobs, indexes.size()));
  std::vector<llvm::thread> workers;
  for (unsigned j = 0; j < jobs; ++j)
    workers.emplace_back(std::optional<unsigned>(clang::DesiredStackSize), worker);
  for (llvm::thread &thread : workers)
    thread.join();
}
} // namespace

DriverResult runFactsExtraction(const tooling::CompilationDatabase &db,
                                const std::vector<std::string> &files,
                                const AnalyzerConfig &config, const DriverOptions &options,
                                llvm::raw_ostream &diagnostics) {
  std::vector<TUOutcome> outcomes(files.size());
  std::vector<size_t> all(files.size());
  for (size_t i = 0; i < files.size(); ++i)
    all[i] = i;
  analyzeFiles(db, files, all, config, options, diagnostics, outcomes);

  // Later passes: TUs using an acquire/release wrapper (or a guard class's
  // constructor / destructor) defined in another TU are analyzed again with
  // the wrappers' effects known, until no wrapper summary changes. (A TU that
  // failed in pass 1 is not retried.)
  std::vector<TUFactsPtr> facts(files.size());
  for (size_t i = 0; i < files.size(); ++i)
    if (outcomes[i].ok)
      facts[i] = std::move(outcomes[i].facts);
  auto reanalyze = [&](const std::vector<size_t> &indexes, const AnalyzerConfig &withWrappers) {
    std::vector<TUOutcome> again(files.size());
    analyzeFiles(db, files, indexes, withWrappers, options, diagnostics, again);
    std::vector<TUFactsPtr> fresh;
    for (size_t i : indexes)
      fresh.push_back(again[i].ok ? std::move(again[i].facts) : nullptr);
    return fresh;
  };
  CrossTUFixedPoint fixedPoint = completeCrossTUWrappers(facts, config, reanalyze,
                                                         std::max(1u, options.maxCrossTUPasses));
  for (size_t i = 0; i < files.size(); ++i)
    if (outcomes[i].ok)
      outcomes[i].facts = std::move(facts[i]);

  DriverResult result;
  result.crossTU = fixedPoint;
  for (size_t i = 0; i < files.size(); ++i) {
    if (outcomes[i].ok) {
      result.facts.push_back(std::move(outcomes[i].facts));
      result.analyzedFiles.push_back(files[i]);
    } else {
      result.errors.push_back({files[i], firstErrorLine(outcomes[i].clangDiagnostics)});
    }
  }
  return result;
}

} // namespace interlock
