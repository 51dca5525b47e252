#!/usr/bin/env python3
"""interlock run: preload, options, SARIF naming, exit status pass-through.

A stand-in runtime (report_fixtures/cmake_consumer/fake_runtime.c, built here)
writes a SARIF file where INTERLOCK_OPTIONS' sarif= says, so what the child
process really received is checked, independent of the real runtime.
"""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

ARGS = None
RUNTIME = None


class RunTest(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="interlock-run-test-")

    def tearDown(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def run_cmd(self, *args, env_extra=None, runtime=True):
        env = dict(os.environ)
        env.pop("INTERLOCK_OPTIONS", None)
        env.pop("INTERLOCK_SARIF_DIR", None)
        env.update(env_extra or {})
        cmd = [ARGS.interlock, "run"] + (["--runtime=" + RUNTIME] if runtime else []) + list(args)
        return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, cwd=self.work)

    def test_options_are_composed_and_preload_prepended(self):
        out = os.path.join(self.work, "sarif")
        proc = self.run_cmd("--sarif-dir=" + out, "--options=halt_on_error=1", "--",
                            "sh", "-c", 'echo "OPTS=$INTERLOCK_OPTIONS"; echo "PRELOAD=$LD_PRELOAD"',
                            env_extra={"INTERLOCK_OPTIONS": "verbosity=1:sarif=/elsewhere/x.sarif",
                                       "LD_PRELOAD": "libkeep.so"})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn(f"OPTS=verbosity=1:halt_on_error=1:sarif={out}/sh.%p.sarif\n", proc.stdout)
        self.assertIn(f"PRELOAD={RUNTIME}:libkeep.so\n", proc.stdout)

    def test_each_process_writes_its_own_sarif(self):
        out = os.path.join(self.work, "sarif")
        for _ in range(2):
            proc = self.run_cmd("--sarif-dir=" + out, "--name=unit_tests", "--", "true")
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertIn("SARIF: " + out + "/unit_tests.", proc.stderr)
        files = glob.glob(os.path.join(out, "unit_tests.*.sarif"))
        self.assertEqual(len(files), 2, files)
        for f in files:
            pid = f.rsplit(".", 2)[1]
            self.assertTrue(pid.isdigit(), f)

    def test_sarif_dir_from_environment(self):
        out = os.path.join(self.work, "from-env")
        proc = self.run_cmd("--", "true", env_extra={"INTERLOCK_SARIF_DIR": out})
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(glob.glob(os.path.join(out, "true.*.sarif"))), 1)

    def test_no_sarif_dir_means_no_sarif_option(self):
        proc = self.run_cmd("sh", "-c", 'echo "OPTS=[$INTERLOCK_OPTIONS]"')
        self.assertIn("OPTS=[]", proc.stdout)

    def test_exit_status_passes_through(self):
        self.assertEqual(self.run_cmd("--", "sh", "-c", "exit 66").returncode, 66)
        self.assertEqual(self.run_cmd("--", "sh", "-c", "exit 7").returncode, 7)
        self.assertEqual(self.run_cmd("--", "sh", "-c", "kill -TERM $$").returncode, 128 + 15)

    def test_errors(self):
        missing = self.run_cmd("--", "no-such-program-xyz")
        self.assertEqual(missing.returncode, 127)
        self.assertIn("cannot run no-such-program-xyz", missing.stderr)
        for args, message in [((), "no program given"),
                              (("--bogus=1", "--", "true"), "unknown option '--bogus'"),
                              (("--sarif-dir", "--", "true"), "needs a value")]:
            with self.subTest(args=args):
                proc = self.run_cmd(*args)
                self.assertEqual(proc.returncode, 2)
                self.assertIn(message, proc.stderr)
        lost = subprocess.run([ARGS.interlock, "run", "--runtime=/nonexistent/libinterlock.so", "--", "true"],
                              capture_output=True, text=True, timeout=60)
        self.assertEqual(lost.returncode, 2)
        self.assertIn("libinterlock.so not found; tried:\n  /nonexistent/libinterlock.so", lost.stderr)


def main():
    global ARGS, RUNTIME
    parser = argparse.ArgumentParser()
    parser.add_argument("--interlock", required=True)
    parser.add_argument("--fake-runtime-source", required=True)
    parser.add_argument("--cc", default="cc")
    ARGS, rest = parser.parse_known_args()
    ARGS.interlock = os.path.abspath(ARGS.interlock)
    build = tempfile.mkdtemp(prefix="interlock-fake-runtime-")
    try:
        RUNTIME = os.path.join(build, "libfakeinterlock.so")
        subprocess.run([ARGS.cc, "-shared", "-fPIC", "-o", RUNTIME, ARGS.fake_runtime_source], check=True)
        result = unittest.main(argv=[sys.argv[0]] + rest, verbosity=2, exit=False).result
    finally:
        shutil.rmtree(build, ignore_errors=True)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
