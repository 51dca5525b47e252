// interlock run: PROG under libinterlock.so, with INTERLOCK_OPTIONS composed
// from the environment, --options and --sarif-dir. The exit status is PROG's
// (the runtime turns it into 66 when it reported findings).
#include "cli/Commands.h"

#include "util/Util.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef INTERLOCK_BUILD_RUNTIME_PATH
#define INTERLOCK_BUILD_RUNTIME_PATH ""
#endif
#ifndef INTERLOCK_INSTALL_LIBDIR
#define INTERLOCK_INSTALL_LIBDIR "lib"
#endif

namespace interlock::report {

namespace {

const char *kRunHelp =
    "usage: interlock run [OPTIONS] -- PROG ARGS...\n\n"
    "Runs PROG with libinterlock.so preloaded (LD_PRELOAD). Its exit status is passed through:\n"
    "66 (the runtime's exitcode option) when findings were reported, 128+N when killed by\n"
    "signal N.\n\n"
    "options:\n"
    "  --sarif-dir=DIR    write the run's SARIF (with its lock graph) to DIR/NAME.PID.sarif\n"
    "                     (default: $INTERLOCK_SARIF_DIR; none when unset). DIR is created.\n"
    "  --name=NAME        file name stem for the SARIF (default: PROG's base name)\n"
    "  --options=K=V:...  runtime options (see INTERLOCK_OPTIONS=help=1), appended after the\n"
    "                     inherited INTERLOCK_OPTIONS\n"
    "  --runtime=PATH     libinterlock.so to use (default: $INTERLOCK_RUNTIME, then next to\n"
    "                     this executable's install prefix, then the build tree)\n";

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string selfDirectory(const std::string &argv0) {
  std::vector<char> buf(4096);
  ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  std::string self = n > 0 ? std::string(buf.data(), static_cast<size_t>(n)) : argv0;
  size_t slash = self.rfind('/');
  return slash == std::string::npos ? currentDirectory() : self.substr(0, slash);
}

bool makeDirectories(const std::string &path) {
  std::string partial;
  for (const std::string &part : split(path, '/')) {
    partial += part + "/";
    if (part.empty())
      continue;
    if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST)
      return false;
  }
  return true;
}

pid_t childPid = 0;

void forwardSignal(int sig) {
  if (childPid > 0)
    ::kill(childPid, sig);
}

int waitForChild(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR)
      return 127;
  }
  if (WIFEXITED(status))
    return WEXITSTATUS(status);
  if (WIFSIGNALED(status))
    return 128 + WTERMSIG(status);
  return 1;
}

} // namespace

std::string findRuntime(const std::string &explicitPath, const std::string &selfPath,
                        std::vector<std::string> &tried) {
  std::vector<std::string> candidates;
  if (!explicitPath.empty())
    candidates.push_back(explicitPath); // explicit: no fallback to others
  else {
    if (const char *env = std::getenv("INTERLOCK_RUNTIME"); env && *env)
      candidates.push_back(env);
    std::string bin = selfDirectory(selfPath);
    candidates.push_back(normalizePath(bin + "/../" INTERLOCK_INSTALL_LIBDIR "/libinterlock.so"));
    candidates.push_back(normalizePath(bin + "/../lib/libinterlock.so"));
    if (std::strlen(INTERLOCK_BUILD_RUNTIME_PATH) > 0)
      candidates.push_back(INTERLOCK_BUILD_RUNTIME_PATH);
  }
  for (const std::string &c : candidates) {
    tried.push_back(c);
    if (fileExists(c))
      return c[0] == '/' ? c : joinPath(currentDirectory(), c);
  }
  return std::string();
}

std::string composeRuntimeOptions(const std::string &inherited, const std::string &extra,
                                  const std::string &sarifPath) {
  std::vector<std::string> parts;
  for (const std::string &source : {inherited, extra})
    for (const std::string &part : split(source, ':'))
      if (!trim(part).empty() && !(!sarifPath.empty() && startsWith(trim(part), "sarif=")))
        parts.push_back(part);
  if (!sarifPath.empty())
    parts.push_back("sarif=" + sarifPath);
  std::string out;
  for (const std::string &p : parts)
    out += (out.empty() ? "" : ":") + p;
  return out;
}

int runRunCommand(const std::vector<std::string> &args, const std::string &selfPath) {
  std::string runtimePath, sarifDir, name, extraOptions;
  if (const char *env = std::getenv("INTERLOCK_SARIF_DIR"))
    sarifDir = env;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg == "--help" || arg == "-h") {
      std::fputs(kRunHelp, stdout);
      return kExitClean;
    }
    if (arg.empty() || arg[0] != '-')
      break; // the program
    size_t eq = arg.find('=');
    std::string key = arg.substr(0, eq), value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    if (eq == std::string::npos || value.empty()) {
      std::fprintf(stderr, "interlock run: option '%s' needs a value (%s=...)\n", key.c_str(),
                   key.c_str());
      return kExitBadInput;
    }
    if (key == "--runtime")
      runtimePath = value;
    else if (key == "--sarif-dir")
      sarifDir = value;
    else if (key == "--name")
      name = value;
    else if (key == "--options")
      extraOptions = value;
    else {
      std::fprintf(stderr, "interlock run: unknown option '%s'\n(see 'interlock run --help')\n",
                   key.c_str());
      return kExitBadInput;
    }
  }
  if (i >= args.size()) {
    std::fprintf(stderr, "interlock run: no program given (interlock run [OPTIONS] -- PROG ARGS...)\n");
    return kExitBadInput;
  }
  std::vector<std::string> command(args.begin() + static_cast<long>(i), args.end());

  std::vector<std::string> tried;
  std::string runtime = findRuntime(runtimePath, selfPath, tried);
  if (runtime.empty()) {
    std::fprintf(stderr, "interlock run: libinterlock.so not found; tried:\n");
    for (const std::string &t : tried)
      std::fprintf(stderr, "  %s\n", t.c_str());
    std::fprintf(stderr, "give it with --runtime=PATH or INTERLOCK_RUNTIME\n");
    return kExitBadInput;
  }

  std::string sarifPath;
  if (!sarifDir.empty()) {
    sarifDir = joinPath(currentDirectory(), sarifDir);
    if (!makeDirectories(sarifDir)) {
      std::fprintf(stderr, "interlock run: cannot create %s: %s\n", sarifDir.c_str(),
                   std::strerror(errno));
      return kExitBadInput;
    }
    sarifPath = sarifDir + "/" + (name.empty() ? baseName(command[0]) : name) + ".%p.sarif";
  }
  const char *inherited = std::getenv("INTERLOCK_OPTIONS");
  std::string options = composeRuntimeOptions(inherited ? inherited : "", extraOptions, sarifPath);
  const char *preload = std::getenv("LD_PRELOAD");
  std::string newPreload = runtime + (preload && *preload ? ":" + std::string(preload) : "");

  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    std::fprintf(stderr, "interlock run: fork failed: %s\n", std::strerror(errno));
    return kExitBadInput;
  }
  if (pid == 0) {
    ::setenv("LD_PRELOAD", newPreload.c_str(), 1);
    ::setenv("INTERLOCK_OPTIONS", options.c_str(), 1);
    std::vector<char *> argv;
    for (std::string &a : command)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "interlock run: cannot run %s: %s\n", argv[0], std::strerror(errno));
    ::_exit(errno == ENOENT ? 127 : 126);
  }
  childPid = pid;
  // Like system(): the terminal's SIGINT/SIGQUIT reach the child directly;
  // a SIGTERM sent to us (CI timeout) is passed on.
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGQUIT, SIG_IGN);
  std::signal(SIGTERM, forwardSignal);
  int status = waitForChild(pid);
  if (!sarifPath.empty()) {
    std::string written = sarifDir + "/" + (name.empty() ? baseName(command[0]) : name) + "." +
                          std::to_string(pid) + ".sarif";
    if (fileExists(written))
      std::fprintf(stderr, "interlock run: %s exited with status %d; SARIF: %s\n",
                   command[0].c_str(), status, written.c_str());
    else
      std::fprintf(stderr, "interlock run: %s exited with status %d and wrote no SARIF to %s\n",
                   command[0].c_str(), status, written.c_str());
  }
  return status;
}

} // namespace interlock::report
