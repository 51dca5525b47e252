/* rss_probe: runs a command and reports its peak RSS, like /usr/bin/time -f %M.
 *
 *   interlock_bench_rss_probe REPORT_FILE COMMAND [ARGS...]
 *
 * Writes "<peak RSS KiB> <exit status or -signal>" to REPORT_FILE and exits
 * with the command's status. Why not getrusage from Python: the kernel counts
 * the pre-exec memory of the forked parent into the child's ru_maxrss, and a
 * forked Python interpreter is ~16 MiB, more than the workloads themselves.
 * This helper is tiny, so the floor it adds is ~1 MiB for every variant.
 *
 * If RSS_PROBE_LD_PRELOAD is set, the command (not the probe) runs with
 * LD_PRELOAD set to it, so a preloaded runtime does not measure the probe.
 */
#include <stdlib.h>
#include <errno.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s REPORT_FILE COMMAND [ARGS...]\n", argv[0]);
    return 2;
  }
  pid_t child = fork();
  if (child < 0) {
    perror("rss_probe: fork");
    return 2;
  }
  if (child == 0) {
    const char *preload = getenv("RSS_PROBE_LD_PRELOAD");
    if (preload) setenv("LD_PRELOAD", preload, 1);
    unsetenv("RSS_PROBE_LD_PRELOAD");
    execvp(argv[2], argv + 2);
    perror("rss_probe: exec");
    _exit(127);
  }
  int status = 0;
  struct rusage usage;
  while (wait4(child, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      perror("rss_probe: wait4");
      return 2;
    }
  }
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  FILE *report = fopen(argv[1], "w");
  if (!report) {
    perror("rss_probe: report file");
    return 2;
  }
  fprintf(report, "%ld %d\n", usage.ru_maxrss, code);
  fclose(report);
  return code >= 0 ? code : 128 - code;
}
