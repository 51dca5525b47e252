#!/usr/bin/env python3
"""Runtime benchmarks: every workload, in the same run, under

  base        the gcc -O2 build from CMake, uninstrumented
  forward     the same binary with LD_PRELOAD of a library that intercepts the
              same lock calls and only forwards them to glibc (interposition_floor.c)
  held_set    the same, plus a per-thread held set: the floor of any interposing
              lock-order runtime
  interlock   the same binary with LD_PRELOAD=libinterlock.so
  clang       a clang++-19 -O2 build, uninstrumented (ThreadSanitizer's own baseline)
  tsan        clang++-19 -O2 -fsanitize=thread, TSAN_OPTIONS=detect_deadlocks=1

Reports the median wall time and peak RSS (measured by the small
interlock_bench_rss_probe helper, like /usr/bin/time -f %M)
per workload, the ratios interlock/base, forward/base, held_set/base and
tsan/clang, their geometric means, and the Google Benchmark micro-benchmarks
(ns per lock+unlock pair) under base, the two floors, interlock and tsan.

    python3 bench/runtime/run.py --build-dir build [--repeats 3] [--markdown out.md]

Python standard library only. A full run takes about 3-5 minutes on 2 cores.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOADS = ["uncontended_std", "uncontended_pthread", "nested_consistent", "producer_consumer",
             "shared_map", "mutex_churn", "short_threads", "trylock_backoff"]
VARIANTS = ["base", "forward", "held_set", "interlock", "clang", "tsan"]
# The preload libraries of the floor variants, in <build>/bench/runtime.
FLOOR_LIBRARIES = {"forward": "libinterlock_bench_floor_forward.so",
                   "held_set": "libinterlock_bench_floor_held_set.so"}
TIMEOUT_SECONDS = 300
PAIR_BENCHMARKS = ["BM_StdMutexUncontended", "BM_PthreadMutexUncontended"]


class BenchError(Exception):
    pass


def compile_clang_variants(out_dir, sanitize):
    """Builds the workloads with clang-19, plain or with -fsanitize=thread."""
    suffix = "tsan" if sanitize else "clang"
    flags = ["-O2", "-g", "-pthread"] + (["-fsanitize=thread"] if sanitize else [])
    os.makedirs(out_dir, exist_ok=True)
    jobs = [
        (["clang++-19", "-std=c++17"] + flags + [os.path.join(HERE, "workloads.cpp")], f"workloads-{suffix}"),
        (["clang-19"] + flags + [os.path.join(HERE, "pthread_nested.c")], f"pthread_nested-{suffix}"),
        (["clang++-19", "-std=c++17"] + flags + [os.path.join(HERE, "micro.cpp"), "-lbenchmark"], f"micro-{suffix}"),
    ]
    outputs = {}
    for command, name in jobs:
        output = os.path.join(out_dir, name)
        source = command[-1] if not command[-1].startswith("-l") else command[-2]
        if not os.path.exists(output) or os.path.getmtime(output) < os.path.getmtime(source):
            subprocess.run(command + ["-o", output], check=True)
        outputs[name.rsplit("-", 1)[0]] = output
    return outputs


def environment(variant, runtime, through_probe=False, floors=None):
    env = dict(os.environ)
    for key in ("LD_PRELOAD", "INTERLOCK_OPTIONS", "TSAN_OPTIONS", "RSS_PROBE_LD_PRELOAD"):
        env.pop(key, None)
    preload = runtime if variant == "interlock" else (floors or {}).get(variant)
    if preload:
        env["RSS_PROBE_LD_PRELOAD" if through_probe else "LD_PRELOAD"] = preload
    if variant == "tsan":
        env["TSAN_OPTIONS"] = "detect_deadlocks=1:report_signal_unsafe=0"
    return env


def measure(probe, command, env, scratch):
    """Runs once through the RSS probe; returns (wall seconds, peak RSS KiB, exit status, output)."""
    report = os.path.join(scratch, "rss_probe.out")
    if os.path.exists(report):
        os.remove(report)
    start = time.perf_counter()
    try:
        completed = subprocess.run([probe, report] + command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, timeout=TIMEOUT_SECONDS)
        output = completed.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, 0, "timeout", f"killed after {TIMEOUT_SECONDS} s"
    wall = time.perf_counter() - start
    try:
        with open(report, encoding="ascii") as handle:
            rss, status = (int(field) for field in handle.read().split())
    except (OSError, ValueError):
        return wall, 0, "probe failed", output
    return wall, rss, status, output


def workload_commands(binaries, variant):
    source = "clang" if variant == "clang" else "tsan" if variant == "tsan" else "gcc"
    commands = {name: [binaries[source]["workloads"], name] for name in WORKLOADS}
    commands["pthread_nested"] = [binaries[source]["pthread_nested"]]
    return commands


def run_workloads(binaries, runtime, repeats, scratch):
    """Returns {workload: {variant: {"wall": s, "rss": KiB, "failed": str|None}}}.

    The variants of one workload alternate within each repeat, so a slow
    phase of a shared machine hits all of them alike."""
    table = {}
    for name in WORKLOADS + ["pthread_nested"]:
        samples = {variant: {"walls": [], "rss": [], "failed": None} for variant in VARIANTS}
        for _ in range(repeats):
            for variant in VARIANTS:
                command = workload_commands(binaries, variant)[name]
                wall, rss, status, output = measure(binaries["probe"], command,
                                                    environment(variant, runtime, True, binaries["floors"]),
                                                    scratch)
                sample = samples[variant]
                if status != 0 and sample["failed"] is None:
                    sample["failed"] = f"exit {status}: {output.strip()[-300:]}"
                sample["walls"].append(wall)
                sample["rss"].append(rss)
        table[name] = {}
        for variant, sample in samples.items():
            table[name][variant] = {"wall": statistics.median(sample["walls"]), "rss": max(sample["rss"]),
                                    "failed": sample["failed"]}
            failure = sample["failed"]
            print(f"  {name:20} {variant:10} {table[name][variant]['wall']:8.3f} s {max(sample['rss']):8d} KiB"
                  + (f"  FAILED ({failure.splitlines()[0]})" if failure else ""), flush=True)
    return table


def run_micro(binaries, runtime, min_time):
    """Returns {benchmark name: {variant: ns per iteration}}."""
    results = {}
    for variant, source in (("base", "gcc"), ("forward", "gcc"), ("held_set", "gcc"), ("interlock", "gcc"),
                            ("tsan", "tsan")):
        binary = binaries[source].get("micro")
        if not binary:
            continue
        command = [binary, "--benchmark_format=json", f"--benchmark_min_time={min_time}"]
        completed = subprocess.run(command, env=environment(variant, runtime, floors=binaries["floors"]),
                                   capture_output=True,
                                   timeout=TIMEOUT_SECONDS)
        if completed.returncode != 0:
            print(f"  micro under {variant} failed with exit {completed.returncode}:\n"
                  f"{completed.stderr.decode(errors='replace')[-2000:]}", file=sys.stderr)
            continue
        text = completed.stdout.decode(errors="replace")
        report = json.loads(text[text.index("{"):])
        for benchmark in report["benchmarks"]:
            scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[benchmark.get("time_unit", "ns")]
            results.setdefault(benchmark["name"], {})[variant] = benchmark["real_time"] * scale
        print(f"  micro-benchmarks under {variant}: {len(report['benchmarks'])} results", flush=True)
    return results


def geomean(values):
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def ratio(table, name, numerator, denominator, key):
    top, bottom = table[name][numerator], table[name][denominator]
    if top["failed"] or bottom["failed"] or not bottom[key]:
        return None
    return top[key] / bottom[key]


def markdown(table, micro, meta):
    lines = [f"Measured {meta['date']} on {meta['machine']} (load average at the end: {meta['load']}); "
             f"{meta['repeats']} runs per cell, median wall time, "
             f"max peak RSS. Command: `{meta['command']}`.", "",
             "| workload | base s | forward | held set | interlock s | ratio | base RSS MiB | held set RSS "
             "| interlock RSS MiB | ratio | clang s | tsan s | tsan ratio | tsan RSS MiB | tsan RSS ratio |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    time_ratios, rss_ratios, tsan_time, tsan_rss = [], [], [], []
    forward_time, held_time, held_rss = [], [], []

    def cell(value, fmt):
        return "FAILED" if value is None else format(value, fmt)

    for name, variants in table.items():
        t, r = ratio(table, name, "interlock", "base", "wall"), ratio(table, name, "interlock", "base", "rss")
        tt, tr = ratio(table, name, "tsan", "clang", "wall"), ratio(table, name, "tsan", "clang", "rss")
        ft, ht = ratio(table, name, "forward", "base", "wall"), ratio(table, name, "held_set", "base", "wall")
        hr = ratio(table, name, "held_set", "base", "rss")
        forward_time.append(ft)
        held_time.append(ht)
        held_rss.append(hr)
        time_ratios.append(t)
        rss_ratios.append(r)
        tsan_time.append(tt)
        tsan_rss.append(tr)
        lines.append(
            f"| {name} | {variants['base']['wall']:.3f} | {cell(ft, '.2f')}x | {cell(ht, '.2f')}x "
            f"| {cell(None if variants['interlock']['failed'] else variants['interlock']['wall'], '.3f')} "
            f"| {cell(t, '.2f')}x | {variants['base']['rss'] / 1024:.1f} | {cell(hr, '.2f')}x "
            f"| {variants['interlock']['rss'] / 1024:.1f} "
            f"| {cell(r, '.2f')}x | {variants['clang']['wall']:.3f} "
            f"| {cell(None if variants['tsan']['failed'] else variants['tsan']['wall'], '.3f')} | {cell(tt, '.2f')}x "
            f"| {variants['tsan']['rss'] / 1024:.1f} | {cell(tr, '.2f')}x |")
    lines.append(f"| **geometric mean** | | {geomean(forward_time):.2f}x | {geomean(held_time):.2f}x "
                 f"| | **{geomean(time_ratios):.2f}x** | | {geomean(held_rss):.2f}x | | **{geomean(rss_ratios):.2f}x** "
                 f"| | | **{geomean(tsan_time):.2f}x** | | **{geomean(tsan_rss):.2f}x** |")
    failed = [f"{n} under {v}: {d['failed']}" for n, vs in table.items() for v, d in vs.items() if d["failed"]]
    if failed:
        lines += ["", "Failed runs (excluded from the ratios):", ""] + [f"- {f}" for f in failed]
    if micro:
        lines += ["", "Micro-benchmarks (Google Benchmark, real time per iteration; one iteration of the "
                  "`Uncontended` rows is one lock+unlock pair):", "",
                  "| benchmark | base ns | forward ns | held set ns | interlock ns | interlock - base | tsan ns |",
                  "|---|---|---|---|---|---|---|"]

        def ns(value):
            return "n/a" if value is None else format(value, ".1f")

        for name, values in micro.items():
            base, inter, tsan = values.get("base"), values.get("interlock"), values.get("tsan")
            diff = f"{inter - base:+.1f}" if base is not None and inter is not None else "n/a"
            lines.append(f"| {name} | {ns(base)} | {ns(values.get('forward'))} | {ns(values.get('held_set'))} "
                         f"| {ns(inter)} | {diff} | {ns(tsan)} |")
    return "\n".join(lines) + "\n"


def find_binaries(build_dir, out_dir):
    bench = os.path.join(build_dir, "bench", "runtime")
    probe = os.path.join(bench, "interlock_bench_rss_probe")
    gcc = {"workloads": os.path.join(bench, "interlock_bench_workloads"),
           "pthread_nested": os.path.join(bench, "interlock_bench_pthread_nested"),
           "micro": os.path.join(bench, "interlock_bench_micro")}
    for path in (gcc["workloads"], gcc["pthread_nested"], probe):
        if not os.path.exists(path):
            raise BenchError(f"{path} is missing: build the interlock_bench_* targets first")
    if not os.path.exists(gcc["micro"]):
        gcc.pop("micro")
    for tool in ("clang-19", "clang++-19"):
        if not shutil.which(tool):
            raise BenchError(f"{tool} not found (Debian package clang-19)")
    floors = {variant: os.path.join(bench, library) for variant, library in FLOOR_LIBRARIES.items()}
    for path in floors.values():
        if not os.path.exists(path):
            raise BenchError(f"{path} is missing: build the interlock_bench_floor_* targets first")
    return {"gcc": gcc, "probe": probe, "floors": floors, "clang": compile_clang_variants(out_dir, False),
            "tsan": compile_clang_variants(out_dir, True)}


def smoke(build_dir, runtime, scale):
    """Functional check, no timing: every workload, small, under the runtime must
    finish correctly (exit 0) and report nothing: they are all deadlock-free,
    several on purpose look like inversions (try-lock back-off, 100k reused
    mutexes, thousands of threads). Returns the number of failures."""
    bench = os.path.join(build_dir, "bench", "runtime")
    commands = {name: [os.path.join(bench, "interlock_bench_workloads"), name, str(scale)] for name in WORKLOADS}
    commands["pthread_nested"] = [os.path.join(bench, "interlock_bench_pthread_nested"), str(scale)]
    failures = 0
    with tempfile.TemporaryDirectory(prefix="interlock-bench-smoke-") as scratch:
        for name, command in commands.items():
            sarif = os.path.join(scratch, f"{name}.sarif")
            env = environment("interlock", runtime)
            env["INTERLOCK_OPTIONS"] = f"sarif={sarif}"
            try:
                completed = subprocess.run(command, env=env, capture_output=True, timeout=120)
                status, stderr = completed.returncode, completed.stderr.decode(errors="replace")
            except subprocess.TimeoutExpired:
                status, stderr = "timeout", ""
            problems = []
            if status != 0:
                problems.append(f"exit status {status}")
            try:
                with open(sarif, encoding="utf-8") as handle:
                    results = json.load(handle)["runs"][0].get("results", [])
                if results:
                    problems.append("unexpected findings: " + ", ".join(r.get("ruleId", "?") for r in results))
            except (OSError, ValueError, KeyError, IndexError) as error:
                problems.append(f"no complete SARIF: {error}")
            print(f"{'ok  ' if not problems else 'FAIL'} {name}" + "".join(f"\n     {p}" for p in problems))
            if problems:
                print(stderr[-3000:])
                failures += 1
    return failures


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.environ.get("BUILD_DIR", "build"))
    parser.add_argument("--runtime", help="libinterlock.so (default: <build-dir>/runtime/libinterlock.so)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--micro-min-time", default="0.2", help="Google Benchmark --benchmark_min_time")
    parser.add_argument("--skip-micro", action="store_true")
    parser.add_argument("--markdown", help="also write the result tables to this file")
    parser.add_argument("--json", help="also write the raw numbers to this file")
    parser.add_argument("--smoke", type=float, metavar="SCALE",
                        help="no measuring: run every workload at this scale under the runtime and check "
                             "that it finishes correctly and reports nothing (a CTest)")
    options = parser.parse_args(argv)
    build_dir = os.path.abspath(options.build_dir)
    runtime = os.path.abspath(options.runtime or os.path.join(build_dir, "runtime", "libinterlock.so"))
    if not os.path.exists(runtime):
        print(f"run.py: {runtime} does not exist: build the interlock_runtime target first", file=sys.stderr)
        return 2
    if options.smoke:
        return 1 if smoke(build_dir, runtime, options.smoke) else 0
    try:
        binaries = find_binaries(build_dir, os.path.join(build_dir, "bench", "runtime", "clang-variants"))
    except (BenchError, subprocess.CalledProcessError) as error:
        print(f"run.py: {error}", file=sys.stderr)
        return 2
    print("workloads (median of %d runs):" % options.repeats, flush=True)
    with tempfile.TemporaryDirectory(prefix="interlock-bench-") as scratch:
        table = run_workloads(binaries, runtime, options.repeats, scratch)
    micro = {} if options.skip_micro else run_micro(binaries, runtime, options.micro_min_time)
    load = os.getloadavg()
    meta = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load": f"{load[0]:.1f}, {load[1]:.1f}, {load[2]:.1f}",
            "machine": f"{os.cpu_count()} cores, {os.uname().sysname} {os.uname().release}",
            "repeats": options.repeats,
            "command": "python3 bench/runtime/run.py " + " ".join(argv)}
    text = markdown(table, micro, meta)
    print()
    print(text)
    if options.markdown:
        with open(options.markdown, "w", encoding="utf-8") as handle:
            handle.write(text)
    if options.json:
        with open(options.json, "w", encoding="utf-8") as handle:
            json.dump({"meta": meta, "workloads": table, "micro": micro}, handle, indent=2)
    failed = any(d["failed"] for vs in table.values() for d in vs.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
