#!/usr/bin/env python3
"""Wall time of interlock-check against the parse floor, in the same run.

For each compile database it times, with the same -j:
  * clang-19 -fsyntax-only over every entry, sequentially and on N workers
    (the same flags interlock-check uses: the entry's own, warnings off);
  * interlock-check -p DB -j 1 and -j N (whole program: parse, facts,
    whole-program analysis, report);
and prints the ratios interlock / syntax-only (wall time, and CPU time of the
-j 1 runs, which a busy shared machine distorts less). Goal: at most 1.5x.
Each measurement is repeated (--repeat) and the median is reported.

Setup (reproducible; the real codebase lives OUTSIDE the repository):
  1. the project's testcases:
       cmake -S testcases/static -B build/testcases-static -DCMAKE_EXPORT_COMPILE_COMMANDS=ON
  2. memcached 1.6.18 from Debian bookworm's source package:
       printf 'Types: deb-src\\nURIs: http://deb.debian.org/debian\\nSuites: bookworm\\n'\\
'Components: main\\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\\n' \\
         > /etc/apt/sources.list.d/bench-src.sources
       apt-get update && apt-get install -y libevent-dev bear
       mkdir -p /work/bench-src && cd /work/bench-src && apt-get source memcached
       cd memcached-1.6.18 && ./configure CC=gcc && bear -- make -j2
  3. (optional) leveldb 1.23, C++: cd /work/bench-src && apt-get source leveldb &&
       cd leveldb-1.23 && cmake -S . -B build -G Ninja -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \\
         -DLEVELDB_BUILD_TESTS=OFF -DLEVELDB_BUILD_BENCHMARKS=OFF \\
         -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_C_COMPILER=clang-19
       and add  --db leveldb=/work/bench-src/leveldb-1.23/build  to the command below.
  4. python3 bench/analyzer/bench_static.py --tool build/analyzer/interlock-check \\
       --db testcases=build/testcases-static \\
       --db memcached=/work/bench-src/memcached-1.6.18 -j 2 --repeat 3
"""
import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time

# Output and dependency-file flags, dropped from the syntax-only commands.
DROP_WITH_VALUE = {"-o", "-MF", "-MT", "-MQ"}
DROP_ALONE = {"-c", "-MD", "-MMD", "-MP", "-M", "-MM"}


def entries_of(db_dir):
    with open(os.path.join(db_dir, "compile_commands.json"), encoding="utf-8") as f:
        return json.load(f)


def syntax_only_command(entry, clang):
    args = entry.get("arguments") or shlex.split(entry["command"])
    out = [clang]
    skip = False
    for arg in args[1:]:
        if skip:
            skip = False
            continue
        if arg in DROP_WITH_VALUE:
            skip = True
            continue
        if arg in DROP_ALONE or arg.startswith("-o") and len(arg) > 2 and arg != "-o":
            continue
        out.append(arg)
    return out + ["-fsyntax-only", "-w", "-Wno-unknown-warning-option"], entry["directory"]


def run_quiet(command, cwd=None):
    """Runs a command; returns (exit code, max RSS in KiB, CPU seconds)."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def time_syntax_only(commands, jobs):
    """(wall seconds, failed commands, CPU seconds summed over the commands)"""
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        outcomes = list(pool.map(lambda c: run_quiet(c[0], c[1]), commands))
    elapsed = time.monotonic() - start
    failed = sum(1 for code, _, _ in outcomes if code != 0)
    return elapsed, failed, sum(cpu for _, _, cpu in outcomes)


def time_interlock(tool, db_dir, jobs, extra):
    """(wall seconds, exit code, max RSS KiB, CPU seconds)"""
    start = time.monotonic()
    code, rss, cpu = run_quiet([tool, "-p", db_dir, "-j", str(jobs), *extra])
    return time.monotonic() - start, code, rss, cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True, help="interlock-check binary")
    parser.add_argument("--db", action="append", required=True, metavar="NAME=DIR",
                        help="a compile database to measure (repeatable)")
    parser.add_argument("--clang", default=shutil.which("clang-19") or "clang")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--extra", action="append", default=[],
                        help="extra interlock-check argument (repeatable)")
    args = parser.parse_args()

    header = ("%-10s %7s %10s %10s %10s %10s %8s %8s %9s %9s %9s"
              % ("database", "entries", "syntax j1", "check j1", "syntax jN", "check jN",
                 "ratio j1", "ratio jN", "syn CPU", "chk CPU", "check RSS"))
    print(header, flush=True)
    for spec in args.db:
        name, _, db_dir = spec.partition("=")
        db_dir = os.path.realpath(db_dir)
        commands = [syntax_only_command(e, args.clang) for e in entries_of(db_dir)]
        # Interleave the four variants within each repeat, so a busy phase of
        # a shared machine hits them all alike.
        runs = {"s1": [], "c1": [], "sN": [], "cN": []}
        for _ in range(args.repeat):
            runs["s1"].append(time_syntax_only(commands, 1))
            runs["c1"].append(time_interlock(args.tool, db_dir, 1, args.extra))
            runs["sN"].append(time_syntax_only(commands, args.jobs))
            runs["cN"].append(time_interlock(args.tool, db_dir, args.jobs, args.extra))
        syntax_1, check_1, syntax_n, check_n = (
            statistics.median(r[0] for r in runs[k]) for k in ("s1", "c1", "sN", "cN"))
        failed_1 = runs["s1"][-1][1]
        code_1, rss_1 = runs["c1"][-1][1], runs["c1"][-1][2]
        code_n, rss_n = runs["cN"][-1][1], runs["cN"][-1][2]
        # CPU seconds (user + system) of the -j 1 runs: the work done, which a
        # busy shared machine distorts far less than wall time.
        cpu_syntax = statistics.median(r[2] for r in runs["s1"])
        cpu_check = statistics.median(r[3] for r in runs["c1"])
        if failed_1:
            print("note: %d of %d syntax-only commands of %s failed" %
                  (failed_1, len(commands), name), file=sys.stderr)
        if code_1 == 2 or code_n == 2:
            print("note: interlock-check exited 2 on %s" % name, file=sys.stderr)
        print("%-10s %7d %9.2fs %9.2fs %9.2fs %9.2fs %7.2fx %7.2fx %8.2fs %8.2fs %6d MiB"
              % (name, len(commands), syntax_1, check_1, syntax_n, check_n,
                 check_1 / syntax_1, check_n / syntax_n, cpu_syntax, cpu_check,
                 max(rss_1, rss_n) // 1024), flush=True)
        print("%-10s CPU ratio (check / syntax-only, -j 1): %.2fx" %
              ("", cpu_check / cpu_syntax), flush=True)
    print("\nN = %d jobs, median of %d runs, clang = %s, on %d cores"
          % (args.jobs, args.repeat, args.clang, os.cpu_count()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
