#!/usr/bin/env python3
"""Real, unmodified programs installed on the machine, run under libinterlock.

  real_programs_test.py --preload LIB --source-dir DIR

Issue #2: a user preloads libinterlock.so into *any* C or C++ program and gets a
correct report, never a crash or a hang. Each case runs a program twice, without
and with the runtime, and checks:
  - the same exit status (or the one the expected findings give: 66),
  - the same stdout where the program's output is deterministic,
  - every SARIF file the run left (one per process that exited normally) is
    complete JSON with the pid in its name, and
  - the findings, by rule, are exactly the expected ones (none for correct programs).
A program that is not installed is skipped (said on stdout); clang++-19 and the
Python running this script always are (they are build dependencies).
Python standard library only.
"""
import argparse
import collections
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

TIMEOUT = 60  # per run; a hang fails the test instead of blocking CTest

PYTHON_THREADS = r"""
import concurrent.futures, multiprocessing, queue, threading
lock, rlock, cond = threading.Lock(), threading.RLock(), threading.Condition()
count = 0
def work(n):
    global count
    for _ in range(n):
        with lock:
            with rlock:
                count += 1
threads = [threading.Thread(target=work, args=(2000,)) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
with concurrent.futures.ThreadPoolExecutor(4) as pool:
    squares = sum(pool.map(lambda x: x * x, range(1000)))
items = queue.Queue()
def produce():
    for i in range(500): items.put(i)
    items.put(None)
producer = threading.Thread(target=produce); producer.start()
got = 0
while items.get() is not None: got += 1
producer.join()
barrier = threading.Barrier(3)
waiters = [threading.Thread(target=barrier.wait) for _ in range(3)]
for t in waiters: t.start()
for t in waiters: t.join()
def square(x): return x * x
if __name__ == "__main__":
    # fork() while another thread keeps taking a lock
    stop = threading.Event()
    def spin():
        while not stop.is_set():
            with lock: pass
    spinner = threading.Thread(target=spin); spinner.start()
    with multiprocessing.get_context("fork").Pool(2) as processes:
        forked = sum(processes.map(square, range(200)))
    stop.set(); spinner.join()
    print(count, squares, got, forked)
"""


class Failure(Exception):
    pass


def run(name, command, env_extra, sarif_dir, preload, cwd):
    env = dict(os.environ)
    for key in ("LD_PRELOAD", "INTERLOCK_OPTIONS"):
        env.pop(key, None)
    env.update(env_extra)
    if preload:
        env["LD_PRELOAD"] = preload
        env["INTERLOCK_OPTIONS"] = f"sarif={sarif_dir}/run.%p.sarif"
    try:
        return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True,
                              errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"{name}: timed out after {TIMEOUT}s (a hang){' under the runtime' if preload else ''}")


def sarif_findings(sarif_dir):
    """Counts results by rule over every SARIF file; checks each is complete."""
    files = glob.glob(os.path.join(sarif_dir, "run.*.sarif"))
    if not files:
        raise Failure("no SARIF file written")
    rules = collections.Counter()
    for path in files:
        try:
            with open(path) as f:
                log = json.load(f)
        except (OSError, json.JSONDecodeError) as error:
            raise Failure(f"SARIF {path} is not complete JSON: {error}")
        run0 = log["runs"][0]
        pid = run0["properties"]["pid"]
        if not path.endswith(f"run.{pid}.sarif"):
            raise Failure(f"%p does not match pid {pid}: {path}")
        for result in run0["results"]:
            rules[result["ruleId"]] += 1
    return rules, len(files)


def check_case(name, command, args, *, expect_findings=None, same_stdout=True, env_extra=None,
               expect_stderr=(), cwd=None):
    """Runs one program without and with the runtime and compares."""
    expect_findings = collections.Counter(expect_findings or {})
    env_extra = env_extra or {}
    with tempfile.TemporaryDirectory(prefix="interlock-real-") as sarif_dir:
        plain = run(name, command, env_extra, sarif_dir, None, cwd)
        checked = run(name, command, env_extra, sarif_dir, args.preload, cwd)

        def show():
            return (f"\n---- command: {' '.join(command)}\n---- plain (exit {plain.returncode}) stderr:\n"
                    f"{plain.stderr[-2000:]}\n---- under the runtime (exit {checked.returncode}) stderr:\n"
                    f"{checked.stderr[-4000:]}")

        expected_exit = 66 if sum(expect_findings.values()) else plain.returncode
        if checked.returncode != expected_exit:
            raise Failure(f"{name}: exit status {checked.returncode} under the runtime, expected {expected_exit}"
                          + show())
        if same_stdout and checked.stdout != plain.stdout:
            raise Failure(f"{name}: stdout differs under the runtime" + show())
        for pattern in expect_stderr:
            if pattern not in checked.stderr:
                raise Failure(f"{name}: stderr under the runtime lacks {pattern!r}" + show())
        found, files = sarif_findings(sarif_dir)
        if found != expect_findings:
            raise Failure(f"{name}: findings {dict(found)}, expected {dict(expect_findings)}" + show())
    print(f"ok   {name}: exit {checked.returncode}, {files} SARIF file(s), findings {dict(found) or 'none'}")


def skip(name, why):
    print(f"skip {name}: {why}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload", required=True)
    parser.add_argument("--source-dir", required=True)
    args = parser.parse_args()
    src = args.source_dir
    clangxx = shutil.which("clang++-19")
    failures = []

    def attempt(name, *case_args, **case_kwargs):
        try:
            check_case(name, *case_args, **case_kwargs)
        except Failure as failure:
            print(f"FAIL {failure}")
            failures.append(name)

    with tempfile.TemporaryDirectory(prefix="interlock-real-work-") as work:
        philosophers = os.path.join(src, "testcases/runtime/philosophers.cpp")
        if not clangxx:
            failures.append("clang++-19 not found (a build dependency)")
        else:
            # libLLVM's static constructors lock before the runtime's constructor runs.
            attempt("clang++-19 -fsyntax-only", [clangxx, "-fsyntax-only", "-std=c++17", philosophers], args)
            obj = os.path.join(work, "philosophers.o")
            attempt("clang++-19 -O2 -c", [clangxx, "-O2", "-g", "-std=c++17", "-c", philosophers, "-o", obj], args)
            if shutil.which("ld.lld"):  # lld links with a thread pool
                attempt("clang++-19 -fuse-ld=lld --threads=2",
                        [clangxx, "-fuse-ld=lld", "-Wl,--threads=2", obj, "-o", os.path.join(work, "p_lld"),
                         "-pthread"], args)
            else:
                skip("clang++-19 -fuse-ld=lld", "ld.lld not installed")
            # A ThreadSanitizer-built program: TSan's runtime is linked into the
            # executable and wraps thread start (runtime/interceptors/thread.cpp).
            # Both tools report the ABBA; TSan's own exit code is turned off.
            tsan_abba = os.path.join(work, "abba_tsan")
            build = subprocess.run([clangxx, "-x", "c", "-g", "-O1", "-fsanitize=thread", "-pthread",
                                    "-I", os.path.join(src, "testcases/runtime"),
                                    os.path.join(src, "testcases/runtime/abba.c"), "-o", tsan_abba],
                                   capture_output=True, text=True)
            tsan_env = dict(os.environ, TSAN_OPTIONS="exitcode=0:external_symbolizer_path=")
            tsan_env.pop("LD_PRELOAD", None)
            works = build.returncode == 0 and "ThreadSanitizer: lock-order-inversion" in subprocess.run(
                [tsan_abba], env=tsan_env, capture_output=True, text=True, errors="replace",
                timeout=TIMEOUT).stderr
            if build.returncode != 0:
                skip("ThreadSanitizer-built abba", "cannot build with -fsanitize=thread: " + build.stderr[-300:])
            elif not works:  # e.g. a kernel whose mmap randomization TSan does not support
                skip("ThreadSanitizer-built abba", "TSan itself does not run here")
            else:
                attempt("ThreadSanitizer-built abba", [tsan_abba], args,
                        expect_findings={"lock-order-inversion": 1},
                        env_extra={"TSAN_OPTIONS": "exitcode=0:external_symbolizer_path="},
                        expect_stderr=("ThreadSanitizer: lock-order-inversion",
                                       "interlock: lock-order-inversion"))

        script = os.path.join(work, "threads.py")
        with open(script, "w") as f:
            f.write(PYTHON_THREADS)
        attempt("python3 threading/concurrent.futures/multiprocessing(fork)", [sys.executable, script], args)

        git = shutil.which("git")
        if git and os.path.isdir(os.path.join(src, ".git")):
            attempt("git -c index.threads=4 status", [git, "-c", "index.threads=4", "status", "--porcelain"],
                    args, cwd=src)
        else:
            skip("git status", "no git or no .git in the source tree")

        data = os.path.join(work, "numbers.txt")
        with open(data, "w") as f:
            f.writelines(f"{(i * 7919) % 100003}\n" for i in range(200000))
        attempt("sort --parallel=4", ["sort", "-n", "--parallel=4", "-S", "1M", "-T", work, data], args)
        for tool in ("xz", "zstd"):
            if shutil.which(tool):
                attempt(f"{tool} -T2", [tool, "-T2", "-c", "-q", data], args)
            else:
                skip(f"{tool} -T2", "not installed")

    if failures:
        print(f"{len(failures)} case(s) failed: {failures}")
        sys.exit(1)
    print("all real programs ran unchanged under the runtime")


if __name__ == "__main__":
    main()
