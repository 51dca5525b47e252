#!/usr/bin/env python3
"""The issue's acceptance case with the real runtime: a lock-order cycle split
across two test binaries.

cross_ab takes lock_a then lock_b, cross_ba takes lock_b then lock_a, each in
its own process under `interlock run`. Neither run can see a cycle (exit 0,
no findings); `interlock report` over both runs' SARIF must report exactly one
lock-order-inversion naming both runs and the four acquisition lines. The
look-alike: cross_ab run twice closes no cycle.
"""
import argparse
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_sarif_check import sarif_problems  # noqa: E402

ARGS = None


def source_lines(path, pattern):
    with open(path) as f:
        return [i + 1 for i, line in enumerate(f) if re.search(pattern, line)]


class CrossRunTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="interlock-cross-run-")
        self.programs = os.path.join(ARGS.srcroot, "programs")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def run_under_interlock(self, prog, sarif_dir):
        proc = subprocess.run([ARGS.interlock, "run", "--runtime=" + ARGS.runtime,
                               "--sarif-dir=" + sarif_dir, "--", prog],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0,
                         f"{prog} alone must be clean\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def runtime_logs(self, sarif_dir):
        logs = {}
        for path in sorted(glob.glob(os.path.join(sarif_dir, "*.sarif"))):
            with open(path) as f:
                logs[path] = json.load(f)
        return logs

    def test_cycle_split_across_two_processes(self):
        runs = os.path.join(self.work, "runs")
        self.run_under_interlock(ARGS.prog_ab, runs)
        self.run_under_interlock(ARGS.prog_ba, runs)
        logs = self.runtime_logs(runs)
        self.assertEqual(len(logs), 2, f"expected one SARIF per process in {runs}: {list(logs)}")
        for path, log in logs.items():
            run = log["runs"][0]
            self.assertEqual(run["tool"]["driver"]["name"], "interlock-runtime", path)
            self.assertEqual(run.get("results", []), [], f"{path}: a single run must not see a cycle")
            graph = run["properties"]["lockGraph"]
            ids = {lock["id"] for lock in graph["locks"]}
            self.assertTrue({"var:lock_a", "var:lock_b"} <= ids, f"{path}: lock ids {ids}")
            self.assertEqual(len(graph["edges"]), 1, f"{path}: edges {graph['edges']}")

        merged = os.path.join(self.work, "merged.sarif")
        html = os.path.join(self.work, "merged.html")
        proc = subprocess.run([ARGS.interlock, "report", runs, "--srcroot=" + ARGS.srcroot,
                               "--sarif=" + merged, "--html=" + html],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 1, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        self.assertIn("cross-run", proc.stdout)
        with open(merged) as f:
            log = json.load(f)
        self.assertEqual(sarif_problems(log), [])
        results = log["runs"][0]["results"]
        self.assertEqual(len(results), 1, json.dumps(results, indent=1))
        r = results[0]
        self.assertEqual(r["ruleId"], "lock-order-inversion")
        self.assertEqual(r["properties"]["origin"], "cross-run")
        self.assertEqual(sorted(os.path.basename(x).split(".")[0] for x in r["properties"]["runs"]),
                         sorted(os.path.basename(p) for p in (ARGS.prog_ab, ARGS.prog_ba)))
        sites = sorted((l["physicalLocation"]["artifactLocation"]["uri"],
                        l["physicalLocation"]["region"]["startLine"])
                       for l in r["locations"] + r.get("relatedLocations", []))
        expected = sorted([("programs/cross_ab.c", n) for n in
                           source_lines(os.path.join(self.programs, "cross_ab.c"), r"pthread_mutex_lock")] +
                          [("programs/cross_ba.c", n) for n in
                           source_lines(os.path.join(self.programs, "cross_ba.c"), r"pthread_mutex_lock")])
        self.assertEqual(sites, expected)
        with open(html) as f:
            self.assertIn("<svg", f.read())

    def test_same_order_in_two_processes_is_clean(self):
        runs = os.path.join(self.work, "runs")
        self.run_under_interlock(ARGS.prog_ab, runs)
        self.run_under_interlock(ARGS.prog_ab, runs)
        proc = subprocess.run([ARGS.interlock, "report", runs, "--srcroot=" + ARGS.srcroot],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.assertIn("PASS", proc.stdout)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    for opt in ("--interlock", "--runtime", "--prog-ab", "--prog-ba", "--srcroot"):
        parser.add_argument(opt, required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.srcroot = os.path.abspath(ARGS.srcroot)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
