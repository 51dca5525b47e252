#!/usr/bin/env python3
"""cmake/InterlockCheck.cmake in a consumer project (report_fixtures/cmake_consumer).

Stand-ins replace the other tools so the module's wiring is what is tested:
fake_check.py for interlock-check (records its arguments, writes one finding)
and fake_runtime.c, built here as a shared library, for libinterlock.so
(writes a SARIF run with a lock graph where INTERLOCK_OPTIONS says). The real
driver merges the result.

With --install-from BUILD, the build tree is installed into a temporary prefix
first and the consumer uses find_package(Interlock) with the real runtime and
the installed driver: what docs/ci.md promises a project.
"""
import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd, cwd=None, expect=0):
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    if expect is not None and proc.returncode != expect:
        print(f"FAIL: {' '.join(cmd)} exited {proc.returncode}, expected {expect}\n"
              f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        sys.exit(1)
    return proc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--interlock", required=True)
    parser.add_argument("--module", required=True)
    parser.add_argument("--consumer", required=True)
    parser.add_argument("--cc", default="cc")
    parser.add_argument("--install-from", help="build tree to install and use via find_package")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="interlock-cmake-module-")
    try:
        src = os.path.join(work, "src")
        shutil.copytree(args.consumer, src)
        build = os.path.join(work, "build")
        configure = ["cmake", "-S", src, "-B", build, "-G", "Ninja",
                     "-DINTERLOCK_CHECK_EXECUTABLE=" + os.path.join(src, "fake_check.py")]
        if args.install_from:
            prefix = os.path.join(work, "prefix")
            run(["cmake", "--install", args.install_from, "--prefix", prefix])
            configure.append("-DCMAKE_PREFIX_PATH=" + prefix)
        else:
            runtime = os.path.join(work, "libfakeinterlock.so")
            run([args.cc, "-shared", "-fPIC", "-o", runtime, os.path.join(src, "fake_runtime.c")])
            configure += ["-DINTERLOCK_MODULE=" + os.path.abspath(args.module),
                          "-DINTERLOCK_EXECUTABLE=" + os.path.abspath(args.interlock),
                          "-DINTERLOCK_RUNTIME_LIBRARY=" + runtime]
        run(configure)
        run(["cmake", "--build", build])
        tests = run(["ctest", "--output-on-failure"], cwd=build)
        failures = []
        for name in ("interlock-check.bank", "bank_runs"):
            if name not in tests.stdout:
                failures.append(f"ctest did not run {name}:\n{tests.stdout}")

        static = os.path.join(build, "interlock", "static", "bank.sarif")
        if not os.path.isfile(static + ".args"):
            failures.append("interlock_add_check did not run the checker")
        else:
            with open(static + ".args") as f:
                check_args = json.load(f)
            if check_args[:2] != ["-p", build]:
                failures.append(f"checker not given the compile database: {check_args}")
            if os.path.join(src, "bank.c") not in check_args:
                failures.append(f"checker not given the target's sources: {check_args}")

        runtime_logs = glob.glob(os.path.join(build, "interlock", "runtime", "bank.*.sarif"))
        if len(runtime_logs) != 1:
            failures.append(f"expected one runtime SARIF from the test, got {runtime_logs}")

        # The report target merges both; the fake finding makes it fail (exit 1 -> build error).
        report = run(["cmake", "--build", build, "--target", "interlock-report"], expect=None)
        if report.returncode == 0:
            failures.append("interlock-report passed although there is a finding")
        if "data-race" not in report.stdout:
            failures.append(f"merged report does not show the finding:\n{report.stdout}")
        for out in ("report.html", "report.sarif"):
            if not os.path.isfile(os.path.join(build, "interlock", out)):
                failures.append(f"interlock-report did not write {out}")
        if os.path.isfile(os.path.join(build, "interlock", "report.sarif")):
            with open(os.path.join(build, "interlock", "report.sarif")) as f:
                merged = json.load(f)
            inputs = [i["tool"] for i in merged["runs"][0]["properties"]["inputs"]]
            if sorted(inputs) != ["interlock-check", "interlock-runtime"]:
                failures.append(f"merged inputs: {inputs}")
        for f in failures:
            print("FAIL:", f)
        if not failures:
            print("OK: check test, runtime launcher and report target work in a consumer project")
        return 1 if failures else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
