#!/usr/bin/env python3
"""End-to-end checker for the Interlock runtime (libinterlock.so).

Runs one annotated testcase program under the runtime (preloaded or linked),
with a SARIF output file and a hard timeout, then compares the SARIF results
with the annotations in the program's source (see testcases/runtime/README.md):

  // EXPECT: rule[, rule]       this line must be reported for these rules
  // EXPECT-NOTE: rule          ... as a result of level "note"
  // MAY: rule                  this line may be reported for the rule
  // NOT: rule                  this line must not be reported for the rule
  several clauses on one line are separated by ';'
  header: // RUN-OPTIONS: k=v:k=v (%S: the source's folder)   // EXPECT-EXIT: 66 | SIGABRT
          // ARGS: ...   // EXPECT-STDERR: regex   // EXPECT-NO-SARIF

For every rule, the set of (file, line) over all locations and
relatedLocations of that rule's results must equal the EXPECT lines (plus
any MAY lines); rules with no EXPECT/MAY line must have no results. The
exit status, the SARIF file's existence, JSON completeness and contract
fields, and the text report on stderr are checked too.

Exit status: 0 when everything matched, 1 on a mismatch, 2 on a usage or
annotation error. Python standard library only.
"""

import argparse
import glob
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import urllib.parse
from dataclasses import dataclass, field

KNOWN_RULES = {
    "lock-order-inversion", "deadlock", "double-lock", "bad-unlock",
    "destroy-locked", "cond-wait-unheld", "cond-mutex-mismatch",
    "lock-held-at-exit", "invalid-mutex", "livelock", "starvation", "hang",
}
ERROR_LEVEL_RULES = {"deadlock", "hang"}
DEFAULT_FINDING_EXIT = 66

MARKER_KINDS = ("EXPECT-NOTE", "EXPECT", "MAY", "NOT")
MARKER_RE = re.compile(r"\b(EXPECT-NOTE|EXPECT|MAY|NOT):\s*([a-z][a-z0-9-]*(?:\s*,\s*[a-z][a-z0-9-]*)*)")
HEADER_RE = re.compile(r"^\s*//\s*(RUN-OPTIONS|EXPECT-EXIT|EXPECT-STDERR|ARGS):\s*(.*?)\s*$")
NO_SARIF_RE = re.compile(r"^\s*//\s*EXPECT-NO-SARIF\s*$")


class AnnotationError(Exception):
    pass


@dataclass
class Spec:
    """What one testcase source promises."""
    path: str
    lines: list
    markers: dict = field(default_factory=lambda: {k: {} for k in MARKER_KINDS})  # kind -> rule -> {line}
    run_options: str = ""
    expect_exit: object = None  # int, "SIGxxx", or None for the default
    args: list = field(default_factory=list)
    stderr_patterns: list = field(default_factory=list)  # regexes stderr must match
    expect_sarif: bool = True

    def lines_for(self, kind, rule):
        return self.markers[kind].get(rule, set())

    def rules(self, kind):
        return {r for r, lines in self.markers[kind].items() if lines}

    def expected_exit(self):
        if self.expect_exit is not None:
            return self.expect_exit
        has_findings = self.rules("EXPECT")
        return DEFAULT_FINDING_EXIT if has_findings else 0


def parse_exit(text):
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"SIG[A-Z0-9]+", text) and hasattr(signal, text):
        return text
    raise AnnotationError(f"EXPECT-EXIT must be a number or a signal name like SIGABRT, got {text!r}")


def parse_annotations(path, text=None):
    """Parses the markers and header directives of one testcase source."""
    if text is None:
        with open(path, encoding="utf-8") as source:
            text = source.read()
    spec = Spec(path=path, lines=text.splitlines())
    for number, line in enumerate(spec.lines, start=1):
        if NO_SARIF_RE.match(line):
            spec.expect_sarif = False
            continue
        header = HEADER_RE.match(line)
        if header:
            key, value = header.groups()
            if key == "RUN-OPTIONS":
                # %S: the folder of the source, for files that live beside it
                value = value.replace("%S", os.path.dirname(os.path.abspath(path)))
                spec.run_options = ":".join(filter(None, [spec.run_options, value]))
            elif key == "EXPECT-STDERR":
                try:
                    spec.stderr_patterns.append(re.compile(value))
                except re.error as error:
                    raise AnnotationError(f"{path}:{number}: bad EXPECT-STDERR regex: {error}")
            elif key == "EXPECT-EXIT":
                spec.expect_exit = parse_exit(value)
            else:
                spec.args = shlex.split(value)
            continue
        comment = line.find("//")
        if comment < 0:
            continue
        for kind, rule_list in MARKER_RE.findall(line[comment:]):
            for rule in (r.strip() for r in rule_list.split(",")):
                if rule not in KNOWN_RULES:
                    raise AnnotationError(f"{path}:{number}: unknown rule {rule!r} in {kind} marker")
                spec.markers[kind].setdefault(rule, set()).add(number)
    check_consistency(spec)
    return spec


def check_consistency(spec):
    for rule, lines in spec.markers["NOT"].items():
        for kind in ("EXPECT", "EXPECT-NOTE", "MAY"):
            clash = lines & spec.lines_for(kind, rule)
            if clash:
                raise AnnotationError(f"{spec.path}: line(s) {sorted(clash)} are both NOT and {kind} for {rule}")


# ---------------------------------------------------------------- running

@dataclass
class Run:
    returncode: object  # int, or "SIGxxx" when killed by a signal
    stderr: str
    stdout: str
    pid: int
    timed_out: bool
    sarif_files: list


def describe_status(returncode):
    if returncode < 0:
        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return returncode


def run_program(program, spec, workdir, timeout, preload=None, sarif_path=None):
    env = dict(os.environ)
    env.pop("LD_PRELOAD", None)
    env.pop("INTERLOCK_OPTIONS", None)
    if preload:
        env["LD_PRELOAD"] = preload
    sarif_pattern = sarif_path or os.path.join(workdir, "out.%p.sarif")
    options = [f"sarif={sarif_pattern}"]
    if spec.run_options:
        options.append(spec.run_options)
    env["INTERLOCK_OPTIONS"] = ":".join(options)
    process = subprocess.Popen([program] + spec.args, env=env, cwd=workdir,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               start_new_session=True)
    timed_out = False
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        stdout, stderr = process.communicate()
    if sarif_path:
        files = [sarif_path] if os.path.exists(sarif_path) else []
    else:
        files = sorted(glob.glob(os.path.join(workdir, "out.*.sarif")))
    return Run(describe_status(process.returncode), stderr.decode(errors="replace"),
               stdout.decode(errors="replace"), process.pid, timed_out, files)


# ---------------------------------------------------------------- SARIF

def uri_to_path(uri):
    parsed = urllib.parse.urlparse(uri)
    if parsed.scheme not in ("file", ""):
        return uri
    return os.path.realpath(urllib.parse.unquote(parsed.path))


def location_site(location):
    physical = location.get("physicalLocation") or {}
    uri = (physical.get("artifactLocation") or {}).get("uri", "<no uri>")
    line = (physical.get("region") or {}).get("startLine", 0)
    return uri_to_path(uri), line


def result_sites(result):
    sites = set()
    for key in ("locations", "relatedLocations"):
        for location in result.get(key) or []:
            sites.add(location_site(location))
    return sites


def contract_problems(log, results_seen_in_stderr, stderr):
    """Checks the SARIF fields the runtime contract promises."""
    problems = []
    if log.get("version") != "2.1.0":
        problems.append(f"SARIF version is {log.get('version')!r}, expected '2.1.0'")
    runs = log.get("runs") or []
    if not runs:
        return problems + ["SARIF has no runs[0]"]
    run = runs[0]
    driver = (run.get("tool") or {}).get("driver") or {}
    if driver.get("name") != "interlock-runtime":
        problems.append(f"tool.driver.name is {driver.get('name')!r}, expected 'interlock-runtime'")
    for key in ("version", "informationUri"):
        if not driver.get(key):
            problems.append(f"tool.driver.{key} is missing")
    described = {}
    for rule in driver.get("rules") or []:
        has_texts = (rule.get("shortDescription") or {}).get("text") and (rule.get("help") or {}).get("text")
        described[rule.get("id")] = bool(has_texts)
    properties = run.get("properties") or {}
    if not isinstance(properties.get("pid"), int):
        problems.append("runs[0].properties.pid is missing")
    if not isinstance(properties.get("degraded"), list):
        problems.append("runs[0].properties.degraded is not a list")
    graph = properties.get("lockGraph")
    if not isinstance(graph, dict) or not isinstance(graph.get("locks"), list) \
            or not isinstance(graph.get("edges"), list):
        problems.append("runs[0].properties.lockGraph with locks[] and edges[] is missing")
    for index, result in enumerate(run.get("results") or []):
        rule = result.get("ruleId")
        where = f"results[{index}] ({rule})"
        if rule not in KNOWN_RULES:
            problems.append(f"{where}: unknown ruleId")
        if not described.get(rule):
            problems.append(f"{where}: rule not described in tool.driver.rules with shortDescription and help")
        if not (result.get("message") or {}).get("text"):
            problems.append(f"{where}: message.text is missing")
        fingerprint = (result.get("partialFingerprints") or {}).get("interlock/v1", "")
        if not re.fullmatch(r"[0-9a-fA-F]+", str(fingerprint)):
            problems.append(f"{where}: partialFingerprints['interlock/v1'] is not hex: {fingerprint!r}")
        if not result.get("locations"):
            problems.append(f"{where}: no locations")
        if not result.get("stacks"):
            problems.append(f"{where}: no stacks")
        for location in (result.get("locations") or []) + (result.get("relatedLocations") or []):
            logical = location.get("logicalLocations") or [{}]
            if not logical[0].get("fullyQualifiedName"):
                problems.append(f"{where}: a location has no logicalLocations[0].fullyQualifiedName")
                break
    for rule in results_seen_in_stderr:
        if not re.search(r"==\d+== interlock: " + re.escape(rule), stderr):
            problems.append(f"stderr has no text report '==PID== interlock: {rule}'")
    return problems


def expected_level(rule, is_note):
    if is_note:
        return "note"
    return "error" if rule in ERROR_LEVEL_RULES else "warning"


# ---------------------------------------------------------------- comparing

@dataclass
class Outcome:
    problems: list
    got: dict      # (kind, rule) -> {(path, line)}; kind is EXPECT or EXPECT-NOTE
    log_count: int
    fingerprints: dict = field(default_factory=dict)  # rule -> {fingerprint}


def compare(spec, run):
    problems = []
    source = os.path.realpath(spec.path)
    if run.timed_out:
        problems.append("TIMEOUT: the program did not finish and was killed (hang not ended by the runtime?)")
    expected_exit = spec.expected_exit()
    if not run.timed_out and run.returncode != expected_exit:
        problems.append(f"exit status {run.returncode}, expected {expected_exit}")
    for pattern in spec.stderr_patterns:
        if not pattern.search(run.stderr):
            problems.append(f"stderr does not match /{pattern.pattern}/")
    if not spec.expect_sarif:
        if run.sarif_files:
            problems.append(f"a SARIF file was written, but none was expected: {run.sarif_files}")
        return Outcome(problems, {}, 0)
    if not run.sarif_files:
        problems.append("no SARIF file was written")
    fingerprints = {}
    own_report = False
    got = {}
    reported_rules = set()
    for sarif in run.sarif_files:
        try:
            with open(sarif, encoding="utf-8") as handle:
                log = json.load(handle)
        except (OSError, ValueError) as error:
            problems.append(f"SARIF {sarif} is not complete JSON: {error}")
            continue
        results = ((log.get("runs") or [{}])[0].get("results")) or []
        for result in results:
            rule = result.get("ruleId")
            level = result.get("level", "warning")
            kind = "EXPECT-NOTE" if level == "note" else "EXPECT"
            if kind == "EXPECT":
                reported_rules.add(rule)
            if level != expected_level(rule, kind == "EXPECT-NOTE"):
                problems.append(f"{rule} result has level {level!r}, expected {expected_level(rule, False)!r}")
            got.setdefault((kind, rule), set()).update(result_sites(result))
            fingerprints.setdefault(rule, set()).add(str((result.get("partialFingerprints") or {}).get("interlock/v1")))
        problems += [f"{os.path.basename(sarif)}: {p}" for p in contract_problems(log, reported_rules, run.stderr)]
        pid = ((log.get("runs") or [{}])[0].get("properties") or {}).get("pid")
        named = re.search(r"out\.(\d+)\.sarif$", sarif)
        if named and int(named.group(1)) != pid:
            problems.append(f"properties.pid {pid} does not match the %p in the file name {os.path.basename(sarif)}")
        if named and int(named.group(1)) == run.pid:
            own_report = True
    # Forked children write their own out.<pid>.sarif (merged above); the
    # process the checker started must have written one too.
    if run.sarif_files and any(re.search(r"out\.\d+\.sarif$", f) for f in run.sarif_files) and not own_report:
        problems.append(f"no SARIF file from the process started ({run.pid}): {run.sarif_files}")
    for kind in ("EXPECT", "EXPECT-NOTE"):
        rules = spec.rules(kind) | spec.rules("MAY") | {r for (k, r) in got if k == kind}
        for rule in sorted(rules):
            expected = {(source, line) for line in spec.lines_for(kind, rule)}
            allowed = expected | {(source, line) for line in spec.lines_for("MAY", rule)}
            reported = got.get((kind, rule), set())
            missing = expected - reported
            extra = reported - allowed
            forbidden = {(p, l) for (p, l) in reported if p == source and l in spec.lines_for("NOT", rule)}
            label = rule if kind == "EXPECT" else f"{rule} (note)"
            if missing:
                problems.append(f"{label}: expected but not reported: {format_sites(missing, spec)}")
            if extra:
                problems.append(f"{label}: reported but not expected: {format_sites(extra, spec)}")
            if forbidden:
                problems.append(f"{label}: reported on a NOT line: {format_sites(forbidden, spec)}")
    return Outcome(problems, got, len(run.sarif_files), fingerprints)


def fingerprint_problems(first, second):
    """The same program run twice must give the same fingerprints per rule."""
    problems = []
    for rule in sorted(set(first) | set(second)):
        if first.get(rule, set()) != second.get(rule, set()):
            problems.append(f"{rule}: partialFingerprints differ between two runs: "
                            f"{sorted(first.get(rule, set()))} vs {sorted(second.get(rule, set()))}")
    return problems


def format_sites(sites, spec):
    source = os.path.realpath(spec.path)
    parts = []
    for path, line in sorted(sites, key=lambda s: (s[0] != source, s[0], s[1])):
        if path == source and 0 < line <= len(spec.lines):
            parts.append(f"\n      {os.path.basename(path)}:{line}: {spec.lines[line - 1].strip()}")
        else:
            parts.append(f"\n      {path}:{line}")
    return "".join(parts)


def verdict(spec, outcome):
    """One line, e.g. 'abba.c: lock-order-inversion reported as expected'."""
    name = os.path.basename(spec.path)
    if outcome.problems:
        return f"{name}: MISMATCH ({len(outcome.problems)} problem(s), see above)"
    if not spec.expect_sarif:
        return f"{name}: refused to run (exit {spec.expected_exit()}), as expected"
    reported = sorted({r for (k, r) in outcome.got if k == "EXPECT"})
    notes = sorted({r for (k, r) in outcome.got if k == "EXPECT-NOTE"})
    if not reported and not notes:
        return f"{name}: silent as expected"
    text = ", ".join(reported) + (" reported as expected" if reported else "")
    if notes:
        text += ("; " if reported else "") + ", ".join(notes) + " reported as a note, as expected"
    if isinstance(spec.expected_exit(), str):
        text += f" (then died of {spec.expected_exit()}, as the program does)"
    return f"{name}: {text}"


def print_failure(spec, run, outcome, out):
    print(f"FAIL {spec.path}", file=out)
    for problem in outcome.problems:
        print(f"  - {problem}", file=out)
    print("  expected vs got, per rule:", file=out)
    rules = spec.rules("EXPECT") | spec.rules("EXPECT-NOTE") | spec.rules("MAY") | {r for (_, r) in outcome.got}
    for rule in sorted(rules):
        for kind in ("EXPECT", "EXPECT-NOTE"):
            expected = sorted(spec.lines_for(kind, rule))
            got = sorted(f"{os.path.basename(p)}:{l}" for (p, l) in outcome.got.get((kind, rule), set()))
            if expected or got:
                print(f"    {rule:24} {kind:11} expected lines {expected}  got {got}", file=out)
    print(f"  exit status: {run.returncode}; SARIF files: {run.sarif_files}", file=out)
    print("  ---- stderr of the program ----", file=out)
    print(run.stderr.rstrip() or "  (empty)", file=out)
    print("  ---- end of stderr ----", file=out)


# ---------------------------------------------------------------- self-test

def self_test():
    import unittest

    class ParserTest(unittest.TestCase):
        def test_markers_and_headers(self):
            spec = parse_annotations("t.c", "\n".join([
                "// RUN-OPTIONS: halt_on_error=1",
                "// EXPECT-EXIT: SIGABRT",
                "lock(a);  // EXPECT: lock-order-inversion, deadlock",
                "lock(b);  // EXPECT: bad-unlock; NOT: lock-held-at-exit",
                "lock(c);  // MAY: hang",
                "lock(d);  // EXPECT-NOTE: lock-order-inversion",
            ]))
            self.assertEqual(spec.run_options, "halt_on_error=1")
            self.assertEqual(spec.expect_exit, "SIGABRT")
            self.assertEqual(spec.lines_for("EXPECT", "lock-order-inversion"), {3})
            self.assertEqual(spec.lines_for("EXPECT", "deadlock"), {3})
            self.assertEqual(spec.lines_for("EXPECT", "bad-unlock"), {4})
            self.assertEqual(spec.lines_for("NOT", "lock-held-at-exit"), {4})
            self.assertEqual(spec.lines_for("MAY", "hang"), {5})
            self.assertEqual(spec.lines_for("EXPECT-NOTE", "lock-order-inversion"), {6})

        def test_default_exit_status(self):
            self.assertEqual(parse_annotations("t.c", "x; // EXPECT: deadlock").expected_exit(), 66)
            self.assertEqual(parse_annotations("t.c", "x; // NOT: deadlock").expected_exit(), 0)
            self.assertEqual(parse_annotations("t.c", "// EXPECT-EXIT: 3\nx; // EXPECT: deadlock").expected_exit(), 3)

        def test_expect_exit_header_is_not_a_marker(self):
            spec = parse_annotations("t.c", "// EXPECT-EXIT: 66\n")
            self.assertEqual(spec.rules("EXPECT"), set())

        def test_unknown_rule_is_an_error(self):
            with self.assertRaises(AnnotationError):
                parse_annotations("t.c", "x; // EXPECT: lock-order-inverson")

        def test_contradiction_is_an_error(self):
            with self.assertRaises(AnnotationError):
                parse_annotations("t.c", "x; // EXPECT: deadlock; NOT: deadlock")

        def test_compare_reports_missing_and_extra(self):
            spec = parse_annotations("/src/t.c", "a\nb // EXPECT: deadlock\nc // NOT: deadlock")
            run = Run(66, "", "", 1, False, [])
            outcome = compare(spec, run)
            self.assertTrue(any("no SARIF" in p for p in outcome.problems))
            self.assertTrue(any("expected but not reported" in p for p in outcome.problems))

        def test_compare_accepts_a_matching_sarif_and_rejects_an_extra_line(self):
            with tempfile.TemporaryDirectory() as workdir:
                source = os.path.join(workdir, "t.c")
                spec = parse_annotations(source, "a // EXPECT: double-lock\nb // EXPECT: double-lock\nc // MAY: double-lock")
                sarif = os.path.join(workdir, "out.42.sarif")

                def write(lines):
                    location = lambda line: {"physicalLocation": {"artifactLocation": {"uri": "file://" + source},
                                                                  "region": {"startLine": line}},
                                             "logicalLocations": [{"fullyQualifiedName": "main"}]}
                    result = {"ruleId": "double-lock", "level": "warning", "message": {"text": "x"},
                              "partialFingerprints": {"interlock/v1": "ab12"}, "stacks": [{}],
                              "locations": [location(lines[0])], "relatedLocations": [location(l) for l in lines[1:]]}
                    log = {"version": "2.1.0", "runs": [{
                        "tool": {"driver": {"name": "interlock-runtime", "version": "0.1", "informationUri": "u",
                                            "rules": [{"id": "double-lock", "shortDescription": {"text": "s"},
                                                       "help": {"text": "h"}}]}},
                        "results": [result],
                        "properties": {"pid": 42, "degraded": [], "lockGraph": {"locks": [], "edges": []}}}]}
                    with open(sarif, "w") as handle:
                        json.dump(log, handle)

                stderr = "==42== interlock: double-lock (self-deadlock)"
                write([1, 2])
                self.assertEqual(compare(spec, Run(66, stderr, "", 42, False, [sarif])).problems, [])
                write([1, 2, 3])
                self.assertEqual(compare(spec, Run(66, stderr, "", 42, False, [sarif])).problems, [])
                write([2, 4])
                problems = compare(spec, Run(66, stderr, "", 42, False, [sarif])).problems
                self.assertTrue(any("expected but not reported" in p for p in problems), problems)
                self.assertTrue(any("reported but not expected" in p for p in problems), problems)
                self.assertTrue(any("exit status" in p for p in compare(spec, Run(0, stderr, "", 42, False, [sarif])).problems))

        def test_uri_to_path(self):
            self.assertEqual(uri_to_path("file:///tmp/a%20b.c"), os.path.realpath("/tmp/a b.c"))

    suite = unittest.defaultTestLoader.loadTestsFromTestCase(ParserTest)
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


# ---------------------------------------------------------------- main

def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", help="annotated testcase source")
    parser.add_argument("--program", help="compiled testcase program")
    parser.add_argument("--preload", help="libinterlock.so to LD_PRELOAD (omit for a linked program)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before the program is killed")
    parser.add_argument("--demo", action="store_true", help="print the program's report and a one-line verdict")
    parser.add_argument("--sarif-out", help="write the SARIF here instead of a temporary directory")
    parser.add_argument("--self-test", action="store_true", help="run the annotation parser's unit tests")
    parser.add_argument("--attempts", type=int, default=1,
                        help="for scheduler-dependent programs (starvation, livelock): run up to N times "
                             "and pass if one run matches exactly; every failed attempt is printed")
    parser.add_argument("--check-fingerprints", action="store_true",
                        help="run the program a second time and require the same partialFingerprints")
    options = parser.parse_args(argv)
    if options.self_test:
        return self_test()
    if not options.source or not options.program:
        parser.error("--source and --program are required")
    if options.preload and not os.path.exists(options.preload):
        print(f"runtime_check: preload library {options.preload} does not exist", file=sys.stderr)
        return 2
    try:
        spec = parse_annotations(options.source)
    except (AnnotationError, OSError) as error:
        print(f"runtime_check: {error}", file=sys.stderr)
        return 2
    for attempt in range(1, max(1, options.attempts) + 1):
        with tempfile.TemporaryDirectory(prefix="interlock-e2e-") as workdir:
            if options.sarif_out:
                os.makedirs(os.path.dirname(os.path.abspath(options.sarif_out)), exist_ok=True)
                if os.path.exists(options.sarif_out):
                    os.remove(options.sarif_out)
            run = run_program(os.path.abspath(options.program), spec, workdir, options.timeout,
                              options.preload and os.path.abspath(options.preload), options.sarif_out)
            outcome = compare(spec, run)
        # Only a finding that did not show up is retried; anything reported
        # that must not be (a false alarm) fails at once.
        missed_only = all("expected but not reported" in p or p.startswith("exit status")
                          for p in outcome.problems)
        if not outcome.problems or not missed_only or attempt == options.attempts:
            break
        if options.demo:  # the demo shows the report of the run it judges, and says it retried
            print(f"(attempt {attempt} of {options.attempts} missed an expected finding; the scheduler "
                  "decides these runs: running it again)")
            continue
        print(f"attempt {attempt} of {options.attempts} did not match (the scheduler decides these runs):")
        print_failure(spec, run, outcome, sys.stdout)
    if options.check_fingerprints and not outcome.problems and outcome.fingerprints:
        with tempfile.TemporaryDirectory(prefix="interlock-e2e-") as workdir:
            again = run_program(os.path.abspath(options.program), spec, workdir, options.timeout,
                                options.preload and os.path.abspath(options.preload), None)
            outcome.problems += fingerprint_problems(outcome.fingerprints, compare(spec, again).fingerprints)
    if options.demo:
        sys.stdout.write(run.stderr)
        if outcome.problems:
            for problem in outcome.problems:
                print(f"  - {problem}")
        print(verdict(spec, outcome))
        return 1 if outcome.problems else 0
    if outcome.problems:
        print_failure(spec, run, outcome, sys.stdout)
        return 1
    print(f"PASS {verdict(spec, outcome)} (exit {run.returncode})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
