// interlock report: inputs -> merge -> outputs -> exit status.
#include "cli/Commands.h"

#include "render/Render.h"
#include "sarif/Merge.h"
#include "sarif/SarifReader.h"
#include "sarif/SarifWriter.h"
#include "util/Util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <sys/stat.h>

namespace interlock::report {

namespace {

const char *kReportHelp =
    "usage: interlock report FILES|DIRS... [OPTIONS]\n\n"
    "Merges SARIF logs from interlock-check and from any number of runtime runs (a directory\n"
    "stands for every *.sarif file in it), removes duplicates by fingerprint, finds lock-order\n"
    "cycles split across runs, marks static findings confirmed at run time, applies suppressions\n"
    "and the baseline.\n\n"
    "options:\n"
    "  --format=text|sarif|html|dot  main output format (default text)\n"
    "  --output=FILE                 main output file (default: standard output)\n"
    "  --text=FILE --sarif=FILE --html=FILE --dot=FILE\n"
    "                                additional outputs, any combination\n"
    "  --baseline=FILE               SARIF of accepted findings (e.g. an earlier merged report);\n"
    "                                findings in it do not fail the run\n"
    "  --suppressions=FILE           RULE:PATTERN lines (repeatable); PATTERN matches a\n"
    "                                function, file or lock name (substring, * ? wildcards,\n"
    "                                ^ $ anchors)\n"
    "  --fail-on=error|warning|note|none\n"
    "                                lowest level that fails (default warning)\n"
    "  --srcroot=DIR                 root for relative paths in SARIF output and display\n"
    "                                (default: the current directory)\n"
    "  --max-cycles=N                bound on cycles enumerated in the merged lock graph\n"
    "                                (default 1000; hitting it is reported)\n"
    "  --no-graphviz                 draw pictures with the built-in layout, not dot\n\n"
    "exit status: 0 no failing finding, 1 failing findings, 2 bad input or usage\n";

struct ReportOptions {
  std::vector<std::string> inputs;
  std::string format = "text";
  std::string output;
  std::vector<std::pair<std::string, std::string>> extraOutputs; // format, file
  std::string baseline;
  std::vector<std::string> suppressionFiles;
  std::string failOn = "warning";
  std::string srcRoot;
  size_t maxCycles = 1000;
  bool useGraphviz = true;
};

bool isFormat(const std::string &f) {
  return f == "text" || f == "sarif" || f == "html" || f == "dot";
}

// Returns an error message, or empty on success.
std::string parseArgs(const std::vector<std::string> &args, ReportOptions &opts, bool &help) {
  bool onlyFiles = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (onlyFiles || arg.empty() || arg[0] != '-' || arg == "-") {
      opts.inputs.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyFiles = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      help = true;
      return std::string();
    }
    if (arg == "--no-graphviz") {
      opts.useGraphviz = false;
      continue;
    }
    size_t eq = arg.find('=');
    if (eq == std::string::npos) { // "--option VALUE" is accepted too
      if (i + 1 >= args.size())
        return "option '" + arg + "' needs a value (" + arg + "=...)";
      arg += "=" + args[++i];
      eq = arg.find('=');
    }
    std::string key = arg.substr(0, eq), value = arg.substr(eq + 1);
    if (value.empty())
      return "option '" + key + "' has an empty value";
    if (key == "--format") {
      if (!isFormat(value))
        return "unknown format '" + value + "' (expected text, sarif, html or dot)";
      opts.format = value;
    } else if (key == "--output" || key == "-o") {
      opts.output = value;
    } else if (key == "--text" || key == "--sarif" || key == "--html" || key == "--dot") {
      opts.extraOutputs.emplace_back(key.substr(2), value);
    } else if (key == "--baseline") {
      opts.baseline = value;
    } else if (key == "--suppressions") {
      opts.suppressionFiles.push_back(value);
    } else if (key == "--fail-on") {
      if (value != "error" && value != "warning" && value != "note" && value != "none")
        return "unknown --fail-on level '" + value + "' (expected error, warning, note or none)";
      opts.failOn = value;
    } else if (key == "--srcroot") {
      opts.srcRoot = value;
    } else if (key == "--max-cycles") {
      char *end = nullptr;
      unsigned long long n = std::strtoull(value.c_str(), &end, 10);
      if (*end != '\0' || n == 0)
        return "--max-cycles needs a positive number, got '" + value + "'";
      opts.maxCycles = static_cast<size_t>(n);
    } else {
      return "unknown option '" + key + "'";
    }
  }
  if (opts.inputs.empty())
    return "no input files (give SARIF files or directories holding *.sarif)";
  return std::string();
}

bool isDirectory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// A directory stands for the *.sarif files directly in it, in name order.
std::vector<std::string> expandInputs(const std::vector<std::string> &inputs,
                                      std::vector<std::string> &errors) {
  std::vector<std::string> files;
  for (const std::string &input : inputs) {
    if (!isDirectory(input)) {
      files.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    if (DIR *dir = ::opendir(input.c_str())) {
      while (dirent *entry = ::readdir(dir)) {
        std::string name = entry->d_name;
        if (endsWith(name, ".sarif") && !isDirectory(input + "/" + name))
          found.push_back(input + "/" + name);
      }
      ::closedir(dir);
    }
    if (found.empty())
      errors.push_back(input + ": directory holds no *.sarif file");
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string render(const std::string &format, const MergedReport &report, const RenderContext &ctx) {
  if (format == "sarif")
    return json::serialize(toSarif(report, ctx.srcRoot)) + "\n";
  if (format == "html")
    return renderHtml(report, ctx);
  if (format == "dot")
    return renderDot(report);
  return renderText(report, ctx);
}

bool emit(const std::string &format, const std::string &file, const MergedReport &report,
          const RenderContext &ctx) {
  std::string content = render(format, report, ctx);
  if (file.empty() || file == "-") {
    std::fwrite(content.data(), 1, content.size(), stdout);
    std::fflush(stdout);
    return true;
  }
  std::string error;
  if (!writeFile(file, content, error)) {
    std::fprintf(stderr, "interlock report: cannot write %s: %s\n", file.c_str(), error.c_str());
    return false;
  }
  return true;
}

} // namespace

int runReportCommand(const std::vector<std::string> &args) {
  ReportOptions opts;
  bool help = false;
  std::string usageError = parseArgs(args, opts, help);
  if (help) {
    std::fputs(kReportHelp, stdout);
    return kExitClean;
  }
  if (!usageError.empty()) {
    std::fprintf(stderr, "interlock report: %s\n(see 'interlock report --help')\n", usageError.c_str());
    return kExitBadInput;
  }
  std::string srcRoot =
      opts.srcRoot.empty() ? currentDirectory() : joinPath(currentDirectory(), opts.srcRoot);

  // Read everything readable; name every bad input; lose nothing.
  std::vector<std::string> errors;
  std::vector<InputRun> runs;
  for (const std::string &file : expandInputs(opts.inputs, errors)) {
    try {
      for (InputRun &run : loadSarifFile(file, srcRoot))
        runs.push_back(std::move(run));
    } catch (const InputError &e) {
      errors.push_back(e.what());
    }
  }
  MergeOptions mergeOptions;
  mergeOptions.maxCycles = opts.maxCycles;
  try {
    if (!opts.baseline.empty()) {
      mergeOptions.hasBaseline = true;
      mergeOptions.baseline = loadBaselineKeys(opts.baseline, srcRoot);
    }
    for (const std::string &file : opts.suppressionFiles) {
      auto loaded = loadSuppressions(file);
      mergeOptions.suppressions.insert(mergeOptions.suppressions.end(), loaded.begin(), loaded.end());
    }
  } catch (const InputError &e) {
    // Without the baseline or suppressions every finding would look new: stop.
    std::fprintf(stderr, "interlock report: error: %s\n", e.what());
    return kExitBadInput;
  }

  MergedReport report = mergeRuns(std::move(runs), mergeOptions);
  for (const std::string &error : errors)
    report.degraded.push_back("input not read: " + error);

  RenderContext ctx;
  ctx.srcRoot = srcRoot;
  ctx.failOn = opts.failOn;
  ctx.failing = failingCount(report, opts.failOn);
  ctx.useGraphviz = opts.useGraphviz;

  bool written = emit(opts.format, opts.output, report, ctx);
  for (const auto &[format, file] : opts.extraOutputs)
    written = emit(format, file, report, ctx) && written;

  for (const std::string &error : errors)
    std::fprintf(stderr, "interlock report: error: %s\n", error.c_str());
  if (!errors.empty() || !written)
    return kExitBadInput;
  return ctx.failing > 0 ? kExitFindings : kExitClean;
}

} // namespace interlock::report
