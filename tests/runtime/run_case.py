#!/usr/bin/env python3
"""Runs one program under libinterlock and checks its outcome.

  run_case.py [--preload LIB] [--options OPTS] [--sarif] [--expect-exit N]
              [--expect-stderr REGEX]... [--reject-stderr REGEX]...
              [--expect-stdout REGEX]... [--timeout S] -- PROGRAM ARGS...

--options sets INTERLOCK_OPTIONS; --sarif adds sarif=<tmp>/out.%p.sarif and
checks the file is complete JSON whose properties.pid matches its name;
--sarif-results N checks the number of results. Exit 0 on success.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile


def fail(message, proc=None):
    print("FAIL:", message)
    if proc is not None:
        print("---- stdout ----\n" + proc.stdout + "\n---- stderr ----\n" + proc.stderr)
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--preload")
    parser.add_argument("--options", default="")
    parser.add_argument("--sarif", action="store_true")
    parser.add_argument("--sarif-results", type=int)
    parser.add_argument("--expect-exit", type=int, default=0)
    parser.add_argument("--expect-stderr", action="append", default=[])
    parser.add_argument("--reject-stderr", action="append", default=[])
    parser.add_argument("--expect-stdout", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no program given")

    with tempfile.TemporaryDirectory(prefix="interlock-rt-") as tmp:
        env = dict(os.environ)
        env.pop("INTERLOCK_OPTIONS", None)
        options = args.options
        if args.sarif:
            options = ":".join(x for x in [f"sarif={tmp}/out.%p.sarif", options] if x)
        if options:
            env["INTERLOCK_OPTIONS"] = options
        if args.preload:
            env["LD_PRELOAD"] = args.preload
        try:
            proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            fail(f"timed out after {args.timeout}s (a hang)")
        if proc.returncode != args.expect_exit:
            fail(f"exit status {proc.returncode}, expected {args.expect_exit}", proc)
        for pattern in args.expect_stderr:
            if not re.search(pattern, proc.stderr, re.M):
                fail(f"stderr lacks /{pattern}/", proc)
        for pattern in args.reject_stderr:
            if re.search(pattern, proc.stderr, re.M):
                fail(f"stderr has /{pattern}/", proc)
        for pattern in args.expect_stdout:
            if not re.search(pattern, proc.stdout, re.M):
                fail(f"stdout lacks /{pattern}/", proc)
        if args.sarif:
            files = glob.glob(f"{tmp}/out.*.sarif")
            if len(files) != 1:
                fail(f"expected one SARIF file, found {files}", proc)
            with open(files[0]) as f:
                try:
                    log = json.load(f)
                except json.JSONDecodeError as error:
                    fail(f"SARIF is not complete JSON: {error}", proc)
            pid = log["runs"][0]["properties"]["pid"]
            if not files[0].endswith(f"out.{pid}.sarif"):
                fail(f"%p does not match pid {pid}: {files[0]}", proc)
            results = log["runs"][0]["results"]
            if args.sarif_results is not None and len(results) != args.sarif_results:
                fail(f"{len(results)} SARIF results, expected {args.sarif_results}", proc)
    print("ok")


if __name__ == "__main__":
    main()
