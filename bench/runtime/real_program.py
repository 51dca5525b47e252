#!/usr/bin/env python3
"""A real program under the runtime: leveldb's db_bench, uninstrumented vs. preloaded.

The workloads in run.py are lock-dense on purpose; this shows what a real
multi-threaded C++ program pays. It builds db_bench from the Debian source
package of leveldb (see docs/performance.md for `apt-get source leveldb`),
then runs it alternately without and with libinterlock.so and prints the
median wall time, user CPU time and peak RSS of each, their ratios, and the
number of findings the runtime reported (db_bench is expected to be clean).

  python3 bench/runtime/real_program.py --leveldb /work/bench-src/leveldb-1.23 \
      --runtime build/runtime/libinterlock.so --repeats 3
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

BENCHMARKS = "fillseq,fillrandom,readrandom,readwhilewriting"


def build_db_bench(source):
    build = os.path.join(source, "build-interlock-bench")
    subprocess.run(["cmake", "-S", source, "-B", build, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DLEVELDB_BUILD_TESTS=OFF", "-DLEVELDB_BUILD_BENCHMARKS=ON"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build, "-j2", "--target", "db_bench"], check=True, stdout=subprocess.DEVNULL)
    return os.path.join(build, "db_bench")


def run_once(db_bench, runtime, sarif, num, threads):
    """Returns (wall s, user s, peak KiB, exit status)."""
    with tempfile.TemporaryDirectory() as scratch:
        db = os.path.join(scratch, "db")
        timing = os.path.join(scratch, "time.txt")
        env = dict(os.environ)
        env.pop("LD_PRELOAD", None)
        if runtime:
            env["LD_PRELOAD"] = os.path.abspath(runtime)
            env["INTERLOCK_OPTIONS"] = "sarif=" + sarif
        command = ["/usr/bin/time", "-o", timing, "-f", "%e %U %M", db_bench, "--db=" + db, f"--num={num}",
                   f"--threads={threads}", "--benchmarks=" + BENCHMARKS]
        status = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        wall, user, peak = open(timing).read().split()[-3:]
        return float(wall), float(user), int(peak), status


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--leveldb", required=True, help="leveldb source tree (Debian source package)")
    parser.add_argument("--runtime", required=True, help="libinterlock.so")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--num", type=int, default=100000)
    parser.add_argument("--threads", type=int, default=4)
    options = parser.parse_args(argv)
    if not os.path.exists("/usr/bin/time"):
        print("real_program.py: needs /usr/bin/time (Debian package `time`)", file=sys.stderr)
        return 2
    db_bench = build_db_bench(options.leveldb)
    results = {"base": [], "interlock": []}
    findings = 0
    with tempfile.TemporaryDirectory() as scratch:
        sarif = os.path.join(scratch, "db_bench.sarif")
        for _ in range(options.repeats):  # alternate, so a busy phase hits both alike
            for variant in ("base", "interlock"):
                wall, user, peak, status = run_once(db_bench, options.runtime if variant == "interlock" else None,
                                                    sarif, options.num, options.threads)
                if status != 0:
                    print(f"real_program.py: db_bench ({variant}) exited with {status}", file=sys.stderr)
                    return 1
                results[variant].append((wall, user, peak))
            if os.path.exists(sarif):
                findings = max(findings, len(json.load(open(sarif))["runs"][0]["results"]))
                os.unlink(sarif)
    median = {v: [statistics.median(r[i] for r in results[v]) for i in range(3)] for v in results}
    b, i = median["base"], median["interlock"]
    print(f"leveldb db_bench --threads={options.threads} --num={options.num} --benchmarks={BENCHMARKS}, "
          f"median of {options.repeats}")
    print("| variant | wall s | user CPU s | peak RSS MiB |")
    print("|---|---|---|---|")
    print(f"| uninstrumented | {b[0]:.2f} | {b[1]:.2f} | {b[2] / 1024:.1f} |")
    print(f"| interlock | {i[0]:.2f} | {i[1]:.2f} | {i[2] / 1024:.1f} |")
    print(f"| ratio | {i[0] / b[0]:.2f}x | {i[1] / b[1]:.2f}x | {i[2] / b[2]:.2f}x |")
    print(f"findings reported by the runtime: {findings}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
