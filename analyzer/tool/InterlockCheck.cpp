// interlock-check: whole-program data-race and lock-order analysis of C and C++
// over a compile database.
//
//   interlock-check -p BUILD_DIR [FILES...] [-j N] [--format=text|sarif]
//                   [--output=FILE] [--sarif-output=FILE] [--baseline=FILE]
//                   [--exclude=GLOB]... [--config=FILE] [--thread-pool-submit=NAME]...
//
// Exit codes: 0 no (new) findings, 1 findings, 2 error (unreadable database,
// bad option or config, nothing could be analyzed).
#include "driver/Config.h"
#include "driver/Driver.h"
#include "interlock/Analysis.h"
#include "output/Output.h"

#include <llvm/Support/CommandLine.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/InitLLVM.h>
#include <llvm/Support/Path.h>
#include <llvm/Support/raw_ostream.h>

namespace cl = llvm::cl;
using namespace interlock;

namespace {

constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitError = 2;

cl::OptionCategory category("interlock-check options");

cl::opt<std::string> buildPath("p", cl::desc("Build directory with compile_commands.json "
                                             "(or the path of that file)"),
                               cl::value_desc("BUILD_DIR"), cl::cat(category));
cl::list<std::string> sourceFiles(cl::Positional, cl::desc("[FILES...]"), cl::cat(category));
cl::opt<unsigned> jobs("j", cl::desc("Translation units analyzed in parallel "
                                     "(default: all cores)"),
                       cl::value_desc("N"), cl::init(0), cl::Prefix, cl::cat(category));

enum class Format { Text, Sarif };
cl::opt<Format> format("format", cl::desc("Output format"), cl::init(Format::Text),
                       cl::values(clEnumValN(Format::Text, "text",
                                             "clang-style diagnostics (default, on stderr)"),
                                  clEnumValN(Format::Sarif, "sarif", "SARIF 2.1.0")),
                       cl::cat(category));
cl::opt<std::string> outputFile("output", cl::desc("Write the report to FILE (default: "
                                                   "stderr for text, stdout for sarif)"),
                                cl::value_desc("FILE"), cl::cat(category));
cl::opt<std::string> sarifOutputFile(
    "sarif-output",
    cl::desc("Also write SARIF 2.1.0 to FILE, whatever --format says (one run, two outputs)"),
    cl::value_desc("FILE"), cl::cat(category));
cl::opt<std::string> baselineFile("baseline",
                                  cl::desc("Earlier SARIF report: findings already in it "
                                           "do not count toward the exit code"),
                                  cl::value_desc("FILE"), cl::cat(category));
cl::list<std::string> excludeGlobs("exclude", cl::desc("Drop findings whose file matches "
                                                       "GLOB (repeatable)"),
                                   cl::value_desc("GLOB"), cl::cat(category));
cl::opt<std::string> sourceRoot("source-root",
                                cl::desc("Root that SARIF paths are relative to (default: "
                                         "the common directory of the analyzed files)"),
                                cl::value_desc("DIR"), cl::cat(category));
cl::list<std::string> threadPoolSubmit(
    "thread-pool-submit",
    cl::desc("Function that runs its callable argument on another thread, e.g. "
             "ThreadPool::enqueue (repeatable)"),
    cl::value_desc("QUALNAME"), cl::cat(category));
cl::opt<std::string> configFile("config",
                                cl::desc("Config file (key: value lines; see docs/analyzer.md)"),
                                cl::value_desc("FILE"), cl::cat(category));
cl::opt<unsigned> maxCycles("max-cycles-per-component",
                            cl::desc("Bound on lock-order cycles enumerated per strongly "
                                     "connected component (default 1000)"),
                            cl::init(1000), cl::cat(category));
cl::opt<bool> assumeConcurrentPublic(
    "assume-concurrent-public-methods",
    cl::desc("Public methods of a class that owns and uses a mutex may run "
             "concurrently with each other (default true)"),
    cl::init(true), cl::cat(category));
cl::opt<bool> printStats("cross-tu-stats",
                         cl::desc("Print how many passes and TU re-parses cross-TU lock "
                                  "wrappers needed (on stderr)"),
                         cl::init(false), cl::cat(category));
cl::opt<unsigned> maxCrossTUPasses(
    "max-cross-tu-passes",
    cl::desc("Bound on analysis passes for lock wrappers defined in other TUs (default 8; "
             "1: no re-parse, wrappers are seen only inside their own TU)"),
    cl::init(kMaxCrossTUPasses), cl::cat(category));
cl::list<std::string> extraArgs("extra-arg", cl::desc("Append an argument to every compile "
                                                      "command"),
                                cl::cat(category));
cl::list<std::string> extraArgsBefore("extra-arg-before",
                                      cl::desc("Insert an argument after the compiler name "
                                               "in every compile command"),
                                      cl::cat(category));

cl::extrahelp moreHelp(
    "\nEXIT CODES: 0 no (new) findings, 1 findings, 2 error (unreadable database, bad\n"
    "option or config, nothing could be analyzed).\n"
    "SUPPRESS a finding on its line or the line before with\n"
    "  // interlock: ignore data-race -- reason   (or lock-order-inversion, double-lock, all)\n"
    "Documentation: docs/analyzer.md\n");

int fail(const llvm::Twine &message) {
  llvm::errs() << "interlock-check: error: " << message << "\n";
  return kExitError;
}

// Command-line values win over the config file; lists are merged.
llvm::Error applyConfigFile(AnalyzerConfig &analysis, DriverOptions &driver,
                            std::vector<std::string> &excludes, std::string &root) {
  if (configFile.empty())
    return llvm::Error::success();
  auto config = loadConfig(configFile);
  if (!config)
    return config.takeError();
  analysis.threadPoolSubmitFunctions.insert(analysis.threadPoolSubmitFunctions.end(),
                                            config->threadPoolSubmit.begin(),
                                            config->threadPoolSubmit.end());
  excludes.insert(excludes.end(), config->exclude.begin(), config->exclude.end());
  driver.extraArgs.insert(driver.extraArgs.end(), config->extraArgs.begin(),
                          config->extraArgs.end());
  if (config->jobs && !jobs.getNumOccurrences())
    driver.jobs = *config->jobs;
  if (config->sourceRoot && root.empty())
    root = *config->sourceRoot;
  if (config->maxCyclesPerComponent && !maxCycles.getNumOccurrences())
    analysis.maxCyclesPerComponent = *config->maxCyclesPerComponent;
  if (config->assumeConcurrentPublicMethods && !assumeConcurrentPublic.getNumOccurrences())
    analysis.assumeConcurrentPublicMethods = *config->assumeConcurrentPublicMethods;
  return llvm::Error::success();
}

std::string absoluteDirectory(llvm::StringRef dir) {
  llvm::SmallString<256> path(dir);
  llvm::sys::fs::make_absolute(path);
  llvm::sys::path::remove_dots(path, /*remove_dot_dot=*/true);
  while (path.size() > 1 && path.back() == '/')
    path.pop_back();
  return path.str().str();
}

llvm::Expected<std::unique_ptr<clang::tooling::CompilationDatabase>> openDatabase() {
  if (!buildPath.empty())
    return loadCompilationDatabase(buildPath);
  if (sourceFiles.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no compile database: pass -p BUILD_DIR (a directory "
                                   "with compile_commands.json)");
  std::string error;
  auto db = clang::tooling::CompilationDatabase::autoDetectFromSource(sourceFiles.front(),
                                                                      error);
  if (!db)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no compile database found above '" +
                                       sourceFiles.front() + "'; pass -p BUILD_DIR");
  return db;
}

// Writes with `write` to `path`; false (and a message) when it cannot.
template <typename WriteFn> bool writeToFile(const std::string &path, WriteFn write) {
  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec, llvm::sys::fs::OF_Text);
  if (!ec) {
    write(file);
    file.close();
    if (file.has_error())
      ec = file.error();
  }
  if (ec) {
    fail("cannot write '" + path + "': " + ec.message());
    file.clear_error();
    return false;
  }
  return true;
}

int writeReport(const Report &report) {
  auto render = [&](llvm::raw_ostream &os) {
    if (format == Format::Sarif)
      writeSarif(report, os);
    else
      writeText(report, os);
  };
  if (!sarifOutputFile.empty() &&
      !writeToFile(sarifOutputFile, [&](llvm::raw_ostream &os) { writeSarif(report, os); }))
    return kExitError;
  if (!outputFile.empty()) {
    if (!writeToFile(outputFile, render))
      return kExitError;
  } else {
    render(format == Format::Sarif ? llvm::outs() : llvm::errs());
  }
  // The summary always reaches the terminal, whatever went to files.
  if (format == Format::Sarif || !outputFile.empty())
    llvm::errs() << "interlock-check: " << summaryLine(report) << "\n";
  return report.newFindings() ? kExitFindings : kExitClean;
}

// Wrapper summaries that did not settle within the pass bound are named:
// their callers in other TUs may miss a lock (the report may be incomplete).
void reportCrossTUPasses(const DriverResult &run, size_t files) {
  const CrossTUFixedPoint &passes = run.crossTU;
  if (passes.boundReached) {
    llvm::errs() << "interlock-check: warning: cross-TU lock wrappers did not settle after "
                 << passes.passes << " passes; calls from other TUs to these may miss a lock "
                    "effect:";
    for (const std::string &name : passes.unsettledWrappers)
      llvm::errs() << " `" << name << "`";
    llvm::errs() << "\n";
  }
  if (printStats)
    llvm::errs() << "interlock-check: cross-TU stats: " << files << " TUs, " << passes.passes
                 << " pass(es) for cross-TU wrappers, " << passes.reanalyzedTUs
                 << " TU re-parse(s)" << (passes.boundReached ? " (bound reached)" : "") << "\n";
}

void printVersion(llvm::raw_ostream &os) {
  os << "interlock-check " << INTERLOCK_VERSION << " (built with Clang/LLVM "
     << LLVM_VERSION_STRING << ")\n";
}

} // namespace

int main(int argc, const char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::SetVersionPrinter(printVersion);
  std::string parseErrors;
  llvm::raw_string_ostream parseErrorStream(parseErrors);
  if (!cl::ParseCommandLineOptions(argc, argv,
                                   "interlock-check: finds data races, lock-order "
                                   "inversions and double locks in C and C++ programs\n",
                                   &parseErrorStream)) {
    parseErrorStream.flush();
    llvm::errs() << parseErrors << "interlock-check: error: bad command line; see "
                                   "interlock-check --help\n";
    return kExitError;
  }

  AnalyzerConfig analysis;
  analysis.threadPoolSubmitFunctions.assign(threadPoolSubmit.begin(), threadPoolSubmit.end());
  analysis.maxCyclesPerComponent = maxCycles;
  analysis.assumeConcurrentPublicMethods = assumeConcurrentPublic;
  DriverOptions driver;
  driver.jobs = jobs;
  driver.maxCrossTUPasses = maxCrossTUPasses;
  driver.extraArgs.assign(extraArgs.begin(), extraArgs.end());
  driver.extraArgsBefore.assign(extraArgsBefore.begin(), extraArgsBefore.end());
  std::vector<std::string> excludes(excludeGlobs.begin(), excludeGlobs.end());
  std::string root = sourceRoot;
  if (auto error = applyConfigFile(analysis, driver, excludes, root))
    return fail(llvm::toString(std::move(error)));
  if (auto excluder = PathExcluder::create(excludes, ""); !excluder)
    return fail(llvm::toString(excluder.takeError()));

  ReportOptions reportOptions;
  reportOptions.excludeGlobs = excludes;
  if (!baselineFile.empty()) {
    auto baseline = loadBaseline(baselineFile);
    if (!baseline)
      return fail(llvm::toString(baseline.takeError()));
    reportOptions.baseline = std::move(*baseline);
  }

  auto db = openDatabase();
  if (!db)
    return fail(llvm::toString(db.takeError()));
  std::vector<TUError> selectionErrors;
  std::vector<std::string> files = selectFiles(**db, sourceFiles, selectionErrors);
  for (const TUError &error : selectionErrors)
    llvm::errs() << "interlock-check: error: could not analyze " << error.file << ": "
                 << error.message << "\n";
  if (files.empty())
    return fail(sourceFiles.empty() ? "the compile database has no entries"
                                    : "none of the given files can be analyzed");

  driver.resourceDir = findResourceDir(argv[0]);
  if (driver.resourceDir.empty())
    llvm::errs() << "interlock-check: warning: Clang's resource directory was not found; "
                    "<stddef.h> and friends may be missing\n";

  DriverResult run = runFactsExtraction(**db, files, analysis, driver, llvm::errs());
  run.errors.insert(run.errors.begin(), selectionErrors.begin(), selectionErrors.end());
  reportCrossTUPasses(run, files.size());
  if (run.facts.empty())
    return fail("no translation unit could be analyzed (" + llvm::Twine(run.errors.size()) +
                " failed)");

  std::vector<std::string> analyzedFiles = run.analyzedFiles;
  std::vector<Finding> findings = analyzeProgram(std::move(run.facts), analysis);

  reportOptions.sourceRoot = root.empty() ? commonSourceRoot(analyzedFiles)
                                          : absoluteDirectory(root);
  reportOptions.analyzedFiles = analyzedFiles;
  auto report = prepareReport(std::move(findings), reportOptions);
  if (!report)
    return fail(llvm::toString(report.takeError()));
  report->translationUnits = static_cast<unsigned>(analyzedFiles.size());
  report->errors = std::move(run.errors);
  return writeReport(*report);
}
