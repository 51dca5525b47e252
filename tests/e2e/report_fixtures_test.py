#!/usr/bin/env python3
"""interlock report on hand-written SARIF fixtures (tests/e2e/report_fixtures).

The fixtures hold @ROOT@ where an absolute file URI of the fixture directory
belongs, so code snippets resolve wherever the tree is checked out.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report_sarif_check import sarif_problems  # noqa: E402

ARGS = None


class Fixtures:
    def __init__(self, source, work):
        self.source = source
        self.dir = os.path.join(work, "in")
        os.makedirs(self.dir)
        root_uri = "file://" + source
        for name in os.listdir(source):
            path = os.path.join(source, name)
            if os.path.isfile(path):
                with open(path) as f:
                    text = f.read().replace("@ROOT@", root_uri)
                with open(os.path.join(self.dir, name), "w") as f:
                    f.write(text)

    def __call__(self, *names):
        return [os.path.join(self.dir, n) for n in names]


class ReportTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="interlock-report-test-")
        self.fx = Fixtures(ARGS.fixtures, self.work)

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def report(self, *args, expect=None):
        proc = subprocess.run([ARGS.interlock, "report", "--srcroot=" + ARGS.fixtures, *args],
                              capture_output=True, text=True, timeout=60)
        if expect is not None:
            self.assertEqual(proc.returncode, expect,
                             f"exit {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}")
        return proc

    def sarif(self, *inputs, extra=(), expect=None):
        out = os.path.join(self.work, "merged.sarif")
        proc = self.report(*inputs, "--format=sarif", "--output=" + out, *extra, expect=expect)
        with open(out) as f:
            log = json.load(f)
        self.assertEqual(sarif_problems(log), [])
        return log, proc

    @staticmethod
    def lines(result):
        locs = result["locations"] + result.get("relatedLocations", [])
        return sorted(l["physicalLocation"]["region"]["startLine"] for l in locs)

    # --- the cross-run cycle ------------------------------------------------

    def test_cycle_split_across_two_runs_is_found_and_fails(self):
        log, _ = self.sarif(*self.fx("run_ab.sarif", "run_ba.sarif"), expect=1)
        results = log["runs"][0]["results"]
        self.assertEqual(len(results), 1)
        r = results[0]
        self.assertEqual(r["ruleId"], "lock-order-inversion")
        self.assertEqual(r["properties"]["origin"], "cross-run")
        self.assertEqual(self.lines(r), [11, 12, 18, 19])
        self.assertEqual(sorted(os.path.basename(x) for x in r["properties"]["runs"]),
                         ["run_ab.sarif", "run_ba.sarif"])
        self.assertIn("no single run", r["message"]["text"])
        uri = r["locations"][0]["physicalLocation"]["artifactLocation"]
        self.assertEqual(uri, {"uri": "src/bank.c", "uriBaseId": "SRCROOT"})

    def test_one_order_alone_is_clean(self):
        proc = self.report(*self.fx("run_ab.sarif"), expect=0)
        self.assertIn("PASS", proc.stdout)
        self.report(*self.fx("run_ab.sarif", "run_ab.sarif"), expect=0)

    def test_cycle_under_a_common_gate_lock_is_not_reported(self):
        proc = self.report(*self.fx("gated_1.sarif", "gated_2.sarif"), expect=0)
        self.assertIn("gate lock gate", proc.stdout)

    def test_try_lock_of_the_first_lock_still_deadlocks(self):
        # (try e, f) vs (f, e): the blocking acquisition of f can still deadlock.
        proc = self.report(*self.fx("trylock_1.sarif", "trylock_2.sarif"), expect=1)
        self.assertIn("acquired here by try-lock", proc.stdout)

    def test_cycle_through_reader_locks_is_not_reported(self):
        proc = self.report(*self.fx("rwlock_1.sarif", "rwlock_2.sarif"), expect=0)
        self.assertIn("lock table_rw is only ever held and wanted shared", proc.stdout)

    # --- static and runtime together ---------------------------------------

    def test_static_cycle_seen_at_runtime_is_confirmed_and_shown_once(self):
        log, proc = self.sarif(*self.fx("static.sarif", "run_xy.sarif", "run_xy_again.sarif"), expect=1)
        cycles = [r for r in log["runs"][0]["results"] if r["ruleId"] == "lock-order-inversion"]
        self.assertEqual(len(cycles), 1, "the runtime report must merge into the static one")
        c = cycles[0]
        self.assertEqual(c["properties"]["origin"], "static")
        self.assertTrue(c["properties"]["confirmed"])
        self.assertEqual(self.lines(c), [25, 26, 32, 33])
        self.assertEqual(sorted(os.path.basename(x) for x in c["properties"]["runs"]),
                         ["run_xy.sarif", "run_xy_again.sarif", "static.sarif"])
        self.assertIn("stacks", c)

    def test_runtime_cycle_unknown_to_static_analysis_is_noted(self):
        log, _ = self.sarif(*self.fx("static.sarif", "run_ab.sarif", "run_ba.sarif"), expect=1)
        cross = [r for r in log["runs"][0]["results"] if r["properties"]["origin"] == "cross-run"]
        self.assertEqual(len(cross), 1)
        self.assertTrue(cross[0]["properties"]["runtimeOnly"])
        static_cycle = [r for r in log["runs"][0]["results"]
                        if r["ruleId"] == "lock-order-inversion" and r["properties"]["origin"] == "static"]
        self.assertFalse(static_cycle[0]["properties"]["confirmed"])

    def test_static_per_site_results_become_one_finding_per_group(self):
        log, _ = self.sarif(*self.fx("static.sarif"), expect=1)
        results = log["runs"][0]["results"]
        races = [r for r in results if r["ruleId"] == "data-race"]
        self.assertEqual(len(races), 2)  # race:balance (2 sites) and the suppressed one
        grouped = [r for r in races if "suppressions" not in r][0]
        self.assertEqual(self.lines(grouped), [39, 43])
        suppressed = [r for r in races if "suppressions" in r][0]
        self.assertEqual(suppressed["suppressions"][0]["kind"], "inSource")

    # --- baseline, suppressions, fail-on -----------------------------------

    def test_baseline_fails_only_on_new_findings(self):
        baseline = os.path.join(self.work, "baseline.sarif")
        self.report(*self.fx("static.sarif", "run_xy.sarif"), "--format=sarif",
                    "--output=" + baseline, expect=1)
        self.report(*self.fx("static.sarif", "run_xy.sarif"), "--baseline=" + baseline, expect=0)
        log, proc = self.sarif(*self.fx("static.sarif", "run_xy.sarif", "run_ab.sarif", "run_ba.sarif"),
                               extra=["--baseline=" + baseline], expect=1)
        states = {(r["properties"]["origin"], r["ruleId"]): r["baselineState"]
                  for r in log["runs"][0]["results"] if "suppressions" not in r}
        self.assertEqual(states[("cross-run", "lock-order-inversion")], "new")
        self.assertEqual(states[("static", "lock-order-inversion")], "unchanged")
        self.assertEqual(states[("static", "data-race")], "unchanged")
        text = self.report(*self.fx("static.sarif", "run_xy.sarif", "run_ab.sarif", "run_ba.sarif"),
                           "--baseline=" + baseline, expect=1).stdout
        self.assertIn("FAIL: 1 finding(s)", text)

    def test_suppressions_file_silences_a_finding(self):
        proc = self.report(*self.fx("run_ab.sarif", "run_ba.sarif"),
                           "--suppressions=" + self.fx("suppressions.txt")[0], expect=0)
        self.assertIn("suppressions file: lock-order-inversion:take_ba", proc.stdout)

    def test_fail_on_levels(self):
        self.report(*self.fx("run_ab.sarif", "run_ba.sarif"), "--fail-on=error", expect=0)
        self.report(*self.fx("run_ab.sarif", "run_ba.sarif"), "--fail-on=note", expect=1)
        self.report(*self.fx("run_ab.sarif", "run_ba.sarif"), "--fail-on=none", expect=0)

    # --- inputs --------------------------------------------------------------

    def test_directory_input_reads_every_sarif_in_it(self):
        d = os.path.join(self.work, "runs")
        os.makedirs(d)
        for n in ("run_ab.sarif", "run_ba.sarif"):
            shutil.copy(self.fx(n)[0], d)
        shutil.copy(self.fx("suppressions.txt")[0], d)  # not *.sarif: ignored
        log, _ = self.sarif(d, expect=1)
        self.assertEqual(len(log["runs"][0]["results"]), 1)

    def test_malformed_input_is_named_and_loses_nothing(self):
        out = os.path.join(self.work, "m.sarif")
        proc = self.report(*self.fx("run_ab.sarif", "broken.sarif", "run_ba.sarif"),
                           "--format=sarif", "--output=" + out, expect=2)
        self.assertIn("broken.sarif: not valid JSON", proc.stderr)
        with open(out) as f:
            log = json.load(f)
        # The readable inputs still produce their report, and it says what was skipped.
        self.assertEqual(len(log["runs"][0]["results"]), 1)
        self.assertTrue(any("broken.sarif" in d for d in log["runs"][0]["properties"]["degraded"]))

    def test_bad_inputs_exit_2_with_a_clear_message(self):
        cases = [
            (self.fx("not_sarif.json"), "not a SARIF log"),
            ([os.path.join(self.work, "missing.sarif")], "missing.sarif: cannot read"),
            (self.fx("run_ab.sarif") + ["--baseline=" + os.path.join(self.work, "nope.sarif")], "nope.sarif"),
            (self.fx("run_ab.sarif") + ["--suppressions=" + self.fx("bad_suppressions.txt")[0]],
             "bad_suppressions.txt:1: expected RULE:PATTERN"),
            (self.fx("run_ab.sarif") + ["--format=pdf"], "unknown format 'pdf'"),
            (self.fx("run_ab.sarif") + ["--fail-on=sometimes"], "unknown --fail-on level"),
            (["--bogus=1"] + self.fx("run_ab.sarif"), "unknown option '--bogus'"),
            ([], "no input files"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                proc = self.report(*args, expect=2)
                self.assertIn(message, proc.stderr)
        empty = os.path.join(self.work, "empty.sarif")
        open(empty, "w").close()
        self.assertIn("empty file", self.report(empty, expect=2).stderr)

    # --- pictures --------------------------------------------------------------

    def test_dot_highlights_the_cycle(self):
        proc = self.report(*self.fx("run_ab.sarif", "run_ba.sarif", "gated_1.sarif", "gated_2.sarif"),
                           "--format=dot", expect=1)
        dot = proc.stdout
        self.assertTrue(dot.lstrip().startswith("//") and "digraph" in dot)
        red = [l for l in dot.splitlines() if "->" in l and "color=red" in l]
        self.assertEqual(len(red), 2, dot)  # a->b and b->a; the gated c/d cycle stays black
        self.assertTrue(all("lock_a" in l and "lock_b" in l for l in red))
        if shutil.which("dot"):
            svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True)
            self.assertEqual(svg.returncode, 0, svg.stderr)

    def test_several_outputs_in_one_run(self):
        html = os.path.join(self.work, "r.html")
        sarif = os.path.join(self.work, "r.sarif")
        proc = self.report(*self.fx("static.sarif", "run_ab.sarif", "run_ba.sarif"),
                           "--html=" + html, "--sarif=" + sarif, expect=1)
        self.assertIn("lock-order-inversion [cross-run, runtime only]", proc.stdout)
        with open(html) as f:
            page = f.read()
        self.assertIn("<svg", page)
        self.assertIn("pthread_mutex_lock(&amp;lock_b);", page)  # the code snippet
        with open(sarif) as f:
            self.assertEqual(sarif_problems(json.load(f)), [])

    def test_merged_report_can_be_merged_again(self):
        first = os.path.join(self.work, "first.sarif")
        self.report(*self.fx("run_ab.sarif"), "--format=sarif", "--output=" + first, expect=0)
        # The merged graph travels in the merged SARIF: the b->a run still closes the cycle.
        log, _ = self.sarif(first, *self.fx("run_ba.sarif"), expect=1)
        self.assertEqual(len(log["runs"][0]["results"]), 1)


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--interlock", required=True)
    parser.add_argument("--fixtures", required=True)
    ARGS, rest = parser.parse_known_args()
    ARGS.fixtures = os.path.abspath(ARGS.fixtures)
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
