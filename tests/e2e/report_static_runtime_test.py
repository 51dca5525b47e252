#!/usr/bin/env python3
"""Both real halves on one program, merged: shown once, marked confirmed.

abba_turns.c: two threads take lock_a/lock_b in opposite orders (taking turns
through an atomic flag, so the run never hangs). interlock-check reports the
cycle; the runtime observes it too. The merged report must hold ONE lock-order-inversion, from
the static analysis, confirmed at run time, naming both inputs, with the four
acquisition lines. The look-alike ordered.c (same locks, one order) must give
a clean merged report.
"""
import argparse
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


def lock_lines(path):
    with open(path) as f:
        return [i + 1 for i, line in enumerate(f) if re.search(r"pthread_mutex_lock", line)]


class StaticRuntimeTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="interlock-static-runtime-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def both_halves(self, name, program):
        source = os.path.join(ARGS.srcroot, "programs", name + ".c")
        static = os.path.join(self.work, name + ".static.sarif")
        check = subprocess.run([ARGS.check, "-p", ARGS.build_dir, "-j", "1", "--format=sarif",
                                "--output=" + static, source],
                               capture_output=True, text=True, timeout=300)
        self.assertIn(check.returncode, (0, 1), check.stderr)
        runs = os.path.join(self.work, name + "-runs")
        run = subprocess.run([ARGS.interlock, "run", "--runtime=" + ARGS.runtime,
                              "--sarif-dir=" + runs, "--", program],
                             capture_output=True, text=True, timeout=60)
        merged = os.path.join(self.work, name + ".merged.sarif")
        report = subprocess.run([ARGS.interlock, "report", static, runs, "--srcroot=" + ARGS.srcroot,
                                 "--sarif=" + merged],
                                capture_output=True, text=True, timeout=60)
        with open(merged) as f:
            log = json.load(f)
        self.assertEqual(sarif_problems(log), [])
        return check, run, report, log, source

    def test_cycle_seen_by_both_halves_is_one_confirmed_finding(self):
        check, run, report, log, source = self.both_halves("abba_turns", ARGS.prog_abba)
        self.assertEqual(check.returncode, 1, "the static analysis must find the cycle\n" + check.stderr)
        self.assertEqual(run.returncode, 66, "the runtime must report the cycle\n" + run.stderr)
        self.assertEqual(report.returncode, 1, report.stdout + report.stderr)
        results = log["runs"][0]["results"]
        self.assertEqual(len(results), 1, json.dumps(results, indent=1)[:3000])
        r = results[0]
        self.assertEqual(r["ruleId"], "lock-order-inversion")
        self.assertEqual(r["properties"]["origin"], "static")
        self.assertTrue(r["properties"]["confirmed"])
        self.assertEqual(len(r["properties"]["runs"]), 2)
        lines = sorted(l["physicalLocation"]["region"]["startLine"]
                       for l in r["locations"] + r.get("relatedLocations", []))
        self.assertEqual(lines, lock_lines(source))
        self.assertIn("confirmed at run time", report.stdout)

    def test_consistent_order_is_clean_in_both_halves(self):
        check, run, report, log, _ = self.both_halves("ordered", ARGS.prog_ordered)
        self.assertEqual(check.returncode, 0, check.stderr)
        self.assertEqual(run.returncode, 0, run.stderr)
        self.assertEqual(report.returncode, 0, report.stdout + report.stderr)
        self.assertEqual(log["runs"][0]["results"], [])


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    for opt in ("--interlock", "--check", "--runtime", "--build-dir", "--prog-abba", "--prog-ordered",
                "--srcroot"):
        parser.add_argument(opt, required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.srcroot = os.path.abspath(ARGS.srcroot)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
