#!/usr/bin/env python3
"""Runs interlock-check over the testcases' compile database and checks every
end-of-line marker both ways:

  RACE / NORACE             a data-race result must / must not be on the line
  DEADLOCK / NODEADLOCK     same for lock-order-inversion
  DOUBLELOCK / NODOUBLELOCK same for double-lock
  mentions=TEXT             a result of the line's rule must mention TEXT

A result of one of those rules on a line without its positive marker is a
failure too (NO... markers just make the intent explicit). Prints a readable
diff and exits 1 on any mismatch; exit 0 means every marker holds.

usage: static_check.py --tool interlock-check --build-dir DB_DIR
                       --source-dir testcases/static [--config FILE] [-j N]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

RULES = {"RACE": "data-race", "DEADLOCK": "lock-order-inversion",
         "DOUBLELOCK": "double-lock"}
MARKER = re.compile(r"\b(NO)?(RACE|DEADLOCK|DOUBLELOCK)\b")
MENTIONS = re.compile(r"\bmentions=(\S+)")
SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".h", ".hpp")


def comment_of(line):
    """The comment part of a source line ('' if none)."""
    positions = [p for p in (line.find("//"), line.find("/*")) if p >= 0]
    return line[min(positions):] if positions else ""


def read_markers(source_dir):
    """{(abs path, line): {"expect": {rule: bool}, "mentions": [text]}}"""
    markers = {}
    for root, _, files in os.walk(source_dir):
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.realpath(os.path.join(root, name))
            with open(path, encoding="utf-8") as f:
                for number, text in enumerate(f, 1):
                    comment = comment_of(text)
                    found = MARKER.findall(comment)
                    if not found:
                        continue
                    expect = {RULES[kind]: not negated for negated, kind in found}
                    markers[(path, number)] = {
                        "expect": expect, "mentions": MENTIONS.findall(comment),
                        "text": text.strip()}
    return markers


def result_path(location, base_uris):
    artifact = location["physicalLocation"]["artifactLocation"]
    uri = artifact["uri"]
    base = artifact.get("uriBaseId")
    if base:
        uri = base_uris[base].rstrip("/") + "/" + uri
    parsed = urllib.parse.urlparse(uri)
    return os.path.realpath(urllib.parse.unquote(parsed.path))


def read_results(sarif):
    """{(abs path, line): [(rule, message)]} for the three marker rules."""
    run = sarif["runs"][0]
    base_uris = {k: v["uri"] for k, v in run.get("originalUriBaseIds", {}).items()}
    results = {}
    for result in run["results"]:
        if result["ruleId"] not in RULES.values():
            continue
        location = result["locations"][0]
        path = result_path(location, base_uris)
        line = location["physicalLocation"]["region"]["startLine"]
        results.setdefault((path, line), []).append(
            (result["ruleId"], result["message"]["text"]))
    return results


def run_tool(args, sarif_path):
    command = [args.tool, "-p", args.build_dir, "--format=sarif",
               "--output=" + sarif_path, "-j", str(args.jobs)]
    if args.config:
        command += ["--config", args.config]
    print("$ " + " ".join(command), flush=True)
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200)
    sys.stderr.write(done.stderr)
    return done


def compare(markers, results, source_dir):
    """Returns (failures, tallies) where tallies count passes per marker kind."""
    failures = []
    tallies = {}
    def tally(kind, ok):
        passed, total = tallies.get(kind, (0, 0))
        tallies[kind] = (passed + ok, total + 1)

    for (path, line), marker in sorted(markers.items()):
        where = "%s:%d" % (os.path.relpath(path, source_dir), line)
        found = results.get((path, line), [])
        for rule, positive in marker["expect"].items():
            kind = [k for k, r in RULES.items() if r == rule][0]
            kind = kind if positive else "NO" + kind
            messages = [m for r, m in found if r == rule]
            ok = bool(messages) == positive
            if ok and positive:
                for text in marker["mentions"]:
                    if not any(text in m for m in messages):
                        ok = False
                        failures.append("%s: %s found, but no message mentions %r: %s"
                                        % (where, rule, text, messages))
            elif not ok and positive:
                failures.append("%s: expected %s, none reported\n      %s"
                                % (where, rule, marker["text"]))
            elif not ok:
                failures.append("%s: look-alike reported as %s: %s\n      %s"
                                % (where, rule, messages[0], marker["text"]))
            tally(kind, ok)

    for (path, line), found in sorted(results.items()):
        marker = markers.get((path, line), {"expect": {}})
        for rule, message in found:
            if rule in marker["expect"]:
                continue  # judged above
            where = "%s:%d" % (os.path.relpath(path, source_dir), line)
            failures.append("%s: unexpected %s on an unmarked line: %s"
                            % (where, rule, message))
            tally("unmarked line", False)
    return failures, tallies


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", required=True)
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--source-dir", required=True)
    parser.add_argument("--config")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--keep-sarif", help="also write the SARIF here")
    args = parser.parse_args()
    source_dir = os.path.realpath(args.source_dir)

    with tempfile.TemporaryDirectory() as tmp:
        sarif_path = args.keep_sarif or os.path.join(tmp, "static.sarif")
        done = run_tool(args, sarif_path)
        if done.returncode == 2 or not os.path.exists(sarif_path):
            print("FAIL: interlock-check failed with exit code %d" % done.returncode)
            return 1
        with open(sarif_path, encoding="utf-8") as f:
            sarif = json.load(f)

    failures = []
    if "could not analyze" in done.stderr:
        failures.append("some testcase translation units did not parse (see above)")
    markers = read_markers(source_dir)
    results = read_results(sarif)
    marker_failures, tallies = compare(markers, results, source_dir)
    failures += marker_failures
    expected_exit = 1 if results else 0
    if done.returncode != expected_exit:
        failures.append("exit code %d, expected %d" % (done.returncode, expected_exit))

    print("\nMarker summary (passed/total):")
    for kind in sorted(tallies):
        passed, total = tallies[kind]
        print("  %-14s %3d/%d" % (kind, passed, total))
    if failures:
        print("\n%d mismatch(es):" % len(failures))
        for failure in failures:
            print("  " + failure)
        return 1
    print("\nall markers hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
