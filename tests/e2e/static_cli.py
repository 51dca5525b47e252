#!/usr/bin/env python3
"""End-to-end tests of interlock-check's command line: exit codes, errors,
baselines, suppressions, path filters, SARIF shape, fingerprint stability.

usage: static_cli.py --tool PATH --testcases DIR CASE [CASE...] | --list
Each case builds its own small program and compile database in a temp dir.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

RACY_PROGRAM = """#include <thread>
int shared_counter = 0;
void bump() {
  shared_counter++;
}
int main() {
  std::thread a(bump);
  std::thread b(bump);
  a.join();
  b.join();
}
"""

SECOND_RACE = """#include <thread>
long second_counter = 0;
void bump_second() {
  second_counter += 2;
}
void start_second() {
  std::thread a(bump_second);
  std::thread b(bump_second);
  a.join();
  b.join();
}
"""

CLEAN_PROGRAM = """#include <mutex>
#include <thread>
std::mutex guard_mu;
int guarded = 0;
void bump_guarded() {
  std::lock_guard<std::mutex> lock(guard_mu);
  guarded++;
}
int run_clean() {
  std::thread a(bump_guarded);
  a.join();
  return guarded;
}
"""

TOOL = None
TESTCASES = None


class Failure(Exception):
    pass


def check(condition, message, output=None):
    if not condition:
        if output is not None:
            message += "\n--- tool output ---\n" + output
        raise Failure(message)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def make_project(root, files, flags=("-std=c++17", "-pthread"), compiler="c++"):
    """Writes `files` ({relative name: text}) and a compile_commands.json
    covering every .c/.cpp among them; returns root."""
    entries = []
    for name, text in files.items():
        write(os.path.join(root, name), text)
        if name.endswith((".c", ".cpp")):
            entries.append({"directory": root, "file": name,
                            "arguments": [compiler, *flags, "-c", name,
                                          "-o", name + ".o"]})
    write(os.path.join(root, "compile_commands.json"), json.dumps(entries, indent=1))
    return root


def run(*args, cwd=None):
    done = subprocess.run([TOOL, *args], capture_output=True, text=True,
                          timeout=600, cwd=cwd)
    return done.returncode, done.stdout, done.stderr


def sarif_of(root, *extra):
    out = os.path.join(root, "out.sarif")
    if os.path.exists(out):
        os.remove(out)
    code, stdout, stderr = run("-p", root, "--format=sarif", "--output=" + out, *extra)
    check(code != 2 and os.path.exists(out), "sarif run failed (%d)" % code, stderr)
    with open(out, encoding="utf-8") as f:
        return code, json.load(f), stderr


def results_of(sarif, rule=None):
    return [r for r in sarif["runs"][0]["results"] if rule is None or r["ruleId"] == rule]


# ---- cases -----------------------------------------------------------------

def case_broken_database(tmp):
    write(os.path.join(tmp, "compile_commands.json"), "[{")
    code, _, err = run("-p", tmp)
    check(code == 2, "malformed JSON must exit 2, got %d" % code, err)
    check("cannot read compile database" in err, "no clear message", err)
    write(os.path.join(tmp, "compile_commands.json"), '[{"directory": "/tmp"}]')
    code, _, err = run("-p", tmp)
    check(code == 2 and "cannot read compile database" in err,
          "entry without 'file' must be an error", err)


def case_missing_database(tmp):
    code, _, err = run("-p", tmp)
    check(code == 2 and "no compile_commands.json" in err, "empty dir: %d" % code, err)
    code, _, err = run("-p", os.path.join(tmp, "nope"))
    check(code == 2 and "does not exist" in err, "missing dir: %d" % code, err)
    code, _, err = run()
    check(code == 2 and "-p BUILD_DIR" in err, "no -p, no files: %d" % code, err)


def case_empty_database(tmp):
    write(os.path.join(tmp, "compile_commands.json"), "[]")
    code, _, err = run("-p", tmp)
    check(code == 2 and "no entries" in err, "empty database: %d" % code, err)


def case_unknown_option(tmp):
    make_project(tmp, {"race.cpp": RACY_PROGRAM})
    code, _, err = run("-p", tmp, "--frobnicate")
    check(code == 2 and "frobnicate" in err, "unknown option: %d" % code, err)
    code, _, err = run("-p", tmp, "--format=xml")
    check(code == 2, "bad --format value: %d" % code, err)


def case_version_and_help(tmp):
    code, out, err = run("--version")
    check(code == 0 and "interlock-check" in out + err, "--version: %d" % code, out + err)
    code, out, err = run("--help")
    check(code == 0 and "--baseline" in out and "--exclude" in out, "--help", out + err)


def case_unparsable_tu(tmp):
    make_project(tmp, {"race.cpp": RACY_PROGRAM,
                       "broken.cpp": "int broken( { return 1 }\n"})
    code, _, err = run("-p", tmp, "-j", "2")
    check(code != 2, "one bad TU must not make the run fail (exit %d)" % code, err)
    check(re.search(r"error: could not analyze .*broken\.cpp", err), "no TU error", err)
    check("expected" in err, "clang's own diagnostic is missing", err)
    check("in 1 translation unit" in err and "1 translation unit could not be analyzed"
          in err, "summary does not count the failure", err)
    check(re.search(r"race\.cpp:\d+:\d+: warning: .*\[data-race\]", err),
          "findings of the good TU are not printed", err)
    check(code == 1, "findings present, expected exit 1, got %d" % code, err)
    # Nothing analyzable at all: exit 2.
    make_project(tmp, {"broken.cpp": "int broken( { return 1 }\n"})
    code, _, err = run("-p", tmp)
    check(code == 2 and "no translation unit could be analyzed" in err,
          "all TUs broken must exit 2, got %d" % code, err)


def case_explicit_files(tmp):
    make_project(tmp, {"race.cpp": RACY_PROGRAM, "clean.cpp": CLEAN_PROGRAM})
    code, _, err = run("-p", tmp, os.path.join(tmp, "clean.cpp"))
    check(code == 0 and "0 findings in 1 translation unit" in err,
          "only clean.cpp analyzed: %d" % code, err)
    code, _, err = run("-p", tmp, os.path.join(tmp, "other.cpp"))
    check(code == 2 and "not in the compile database" in err,
          "unknown file must be an error: %d" % code, err)


def case_gcc_database(tmp):
    flags = ("-std=c++17", "-pthread", "-fconserve-stack", "-Wstringop-overflow=2",
             "-fno-var-tracking-assignments", "-Wall", "-Werror", "-O2")
    make_project(tmp, {"clean.cpp": "#include <stddef.h>\n#include <stdarg.h>\n" +
                       CLEAN_PROGRAM}, flags=flags, compiler="/usr/bin/g++")
    code, _, err = run("-p", tmp)
    check(code == 0 and "could not analyze" not in err,
          "gcc-only flags must not stop the analysis: %d" % code, err)


def case_relative_directories(tmp):
    # Entries in different directories, with relative -I flags and file names:
    # each TU must be parsed in its own directory, also when run in parallel.
    entries = []
    for n in range(6):
        unit = os.path.join(tmp, "unit%d" % n)
        write(os.path.join(unit, "inc", "defs.h"), "inline int value%d() { return %d; }\n" % (n, n))
        write(os.path.join(unit, "u.cpp"), '#include "defs.h"\nint use%d() { return value%d(); }\n'
              % (n, n))
        entries.append({"directory": unit, "file": "u.cpp",
                        "arguments": ["c++", "-Iinc", "-c", "u.cpp", "-o", "u.o"]})
    write(os.path.join(tmp, "compile_commands.json"), json.dumps(entries))
    for _ in range(3):
        code, _, err = run("-p", tmp, "-j", "3", cwd=tmp)
        check(code == 0 and "could not analyze" not in err and "in 6 translation units" in err,
              "relative paths resolved against the wrong directory (exit %d)" % code, err)


def case_text_format(tmp):
    make_project(tmp, {"race.cpp": RACY_PROGRAM})
    code, out, err = run("-p", tmp)
    check(out == "", "text goes to stderr, stdout must stay empty", out)
    check(code == 1, "exit 1 with findings, got %d" % code, err)
    check(re.search(r"^.*race\.cpp:4:\d+: warning: .* \[data-race\]$", err, re.M),
          "no clang-style warning on race.cpp:4", err)
    check(re.search(r"^\s+4 \| +shared_counter\+\+;$", err, re.M), "no source line", err)
    check(re.search(r"^\s+\| +\^$", err, re.M), "no caret line", err)
    check(re.search(r"^.*: note: ", err, re.M), "no notes", err)
    check(re.search(r"^\d+ findings? \(\d+ data-race\) in 1 translation unit$", err, re.M),
          "no summary line", err)
    # Paths under the working directory are shown relative to it, like clang.
    code, _, err = run("-p", tmp, cwd=tmp)
    check(re.search(r"^race\.cpp:4:\d+: warning: ", err, re.M),
          "paths under the working directory must be shown relative to it", err)


def case_sarif_shape(tmp):
    make_project(tmp, {"src/race.cpp": RACY_PROGRAM})
    code, sarif, err = sarif_of(tmp)
    check(sarif["version"] == "2.1.0" and "sarif-2.1.0" in sarif["$schema"], "version")
    run0 = sarif["runs"][0]
    driver = run0["tool"]["driver"]
    check(driver["name"] == "interlock-check" and driver["version"] and
          driver["informationUri"], "tool.driver fields")
    rules = {r["id"]: r for r in driver["rules"]}
    for rule in ("data-race", "lock-order-inversion", "double-lock"):
        check(rule in rules, "rule %s missing" % rule)
        for field in ("shortDescription", "fullDescription", "help"):
            check(rules[rule][field]["text"], "rule %s lacks %s" % (rule, field))
    srcroot = run0["originalUriBaseIds"]["SRCROOT"]["uri"]
    check(srcroot == "file://" + os.path.realpath(tmp) + "/src/",
          "SRCROOT should be the analyzed files' directory, got " + srcroot)
    results = results_of(sarif, "data-race")
    check(results, "no data-race result", err)
    check(code == 1, "exit 1 with findings, got %d" % code)
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        check(location["artifactLocation"] == {"uri": "race.cpp", "uriBaseId": "SRCROOT"},
              "artifactLocation not relative to SRCROOT: %s" % location)
        check(location["region"]["startLine"] == 4, "race reported on the wrong line")
        check(re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["interlock/v1"]),
              "fingerprint format")
        check(result["level"] in ("warning", "error"), "level")
        for related in result.get("relatedLocations", []):
            check(related["message"]["text"], "relatedLocation without message")
        check("baselineState" not in result, "baselineState without --baseline")
    check(any(r.get("relatedLocations") for r in results), "no relatedLocations (notes)")

    # Text on stderr and SARIF in a file from one run; an unwritable output is an error.
    extra = os.path.join(tmp, "extra.sarif")
    code, out, err = run("-p", tmp, "--sarif-output=" + extra)
    check(code == 1 and "[data-race]" in err and out == "", "--sarif-output text part", err)
    with open(extra, encoding="utf-8") as f:
        check(results_of(json.load(f), "data-race"), "--sarif-output wrote no results")
    code, _, err = run("-p", tmp, "--format=sarif", "--output=" + os.path.join(tmp, "no", "x"))
    check(code == 2 and "cannot write" in err, "unwritable --output must exit 2", err)


def case_baseline(tmp):
    make_project(tmp, {"race.cpp": RACY_PROGRAM})
    code, first, _ = sarif_of(tmp)
    check(code == 1 and results_of(first), "the racy program must have findings")
    baseline = os.path.join(tmp, "baseline.sarif")
    shutil.copy(os.path.join(tmp, "out.sarif"), baseline)

    code, again, err = sarif_of(tmp, "--baseline=" + baseline)
    check(code == 0, "all findings baselined must exit 0, got %d" % code, err)
    check(all(r["baselineState"] == "unchanged" for r in results_of(again)),
          "baselined results must be 'unchanged'")
    code, _, err = run("-p", tmp, "--baseline=" + baseline)
    check(code == 0 and re.search(r"0 new findings .*\d+ baselined", err),
          "text output must say how many were baselined", err)

    # The old race moves down two lines; a new one appears in second.cpp.
    calls_second = "void start_second();\n" + RACY_PROGRAM.replace(
        "  b.join();\n}", "  b.join();\n  start_second();\n}")
    make_project(tmp, {"race.cpp": calls_second, "second.cpp": SECOND_RACE})
    code, grown, err = sarif_of(tmp, "--baseline=" + baseline)
    check(code == 1, "a new finding must exit 1, got %d" % code, err)
    states = {r["baselineState"] for r in results_of(grown)}
    check(states == {"new", "unchanged"}, "expected new and unchanged, got %s" % states)
    new_files = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                 for r in results_of(grown) if r["baselineState"] == "new"}
    check(new_files == {"second.cpp"}, "only second.cpp is new, got %s" % new_files)

    write(baseline, "not json")
    code, _, err = run("-p", tmp, "--baseline=" + baseline)
    check(code == 2 and "baseline" in err, "bad baseline must exit 2", err)


def case_suppression(tmp):
    suppressed = RACY_PROGRAM.replace(
        "  shared_counter++;",
        "  shared_counter++;  // interlock: ignore data-race -- test: counter is advisory")
    make_project(tmp, {"race.cpp": suppressed})
    code, _, err = run("-p", tmp)
    check(code == 0 and "suppressed" in err and "[data-race]" not in err,
          "suppression with a reason must hide the finding (exit %d)" % code, err)

    above = RACY_PROGRAM.replace(
        "  shared_counter++;",
        "  // interlock: ignore all -- test: the line before counts too\n  shared_counter++;")
    make_project(tmp, {"race.cpp": above})
    code, _, err = run("-p", tmp)
    check(code == 0, "suppression on the line before must work (exit %d)" % code, err)

    other_rule = RACY_PROGRAM.replace(
        "  shared_counter++;",
        "  shared_counter++;  // interlock: ignore double-lock -- wrong rule")
    make_project(tmp, {"race.cpp": other_rule})
    code, _, err = run("-p", tmp)
    check(code == 1 and "[data-race]" in err, "another rule must not suppress", err)

    no_reason = RACY_PROGRAM.replace(
        "  shared_counter++;", "  shared_counter++;  // interlock: ignore data-race")
    make_project(tmp, {"race.cpp": no_reason})
    code, _, err = run("-p", tmp)
    check(code == 1, "a suppression without reason must not suppress", err)
    check(re.search(r"race\.cpp:4:\d+: error: .*\[invalid-suppression\]", err),
          "missing invalid-suppression error", err)
    check("[data-race]" in err, "the finding must still be reported", err)


def case_exclude(tmp):
    make_project(tmp, {"vendor/race.cpp": RACY_PROGRAM, "app/clean.cpp": CLEAN_PROGRAM})
    code, _, err = run("-p", tmp)
    check(code == 1, "without --exclude the vendor race is reported (exit %d)" % code, err)
    for glob in ("*/vendor/*", "vendor", "vendor/**"):
        code, _, err = run("-p", tmp, "--exclude=" + glob)
        check(code == 0 and "excluded by path" in err and "[data-race]" not in err,
              "--exclude=%s must drop the vendor finding (exit %d)" % (glob, code), err)
    code, _, err = run("-p", tmp, "--exclude=[")
    check(code == 2 and "invalid --exclude glob" in err, "bad glob must exit 2", err)


def case_config_file(tmp):
    make_project(tmp, {"vendor/race.cpp": RACY_PROGRAM})
    config = os.path.join(tmp, "interlock.yaml")
    write(config, "# test\nthread-pool-submit:\n  - Pool::submit\nexclude: vendor\njobs: 1\n")
    code, _, err = run("-p", tmp, "--config", config)
    check(code == 0 and "excluded by path" in err, "config exclude (exit %d)" % code, err)
    write(config, "jobs: 1\nfrobnicate: yes\n")
    code, _, err = run("-p", tmp, "--config", config)
    check(code == 2 and re.search(r"interlock\.yaml:2: unknown key 'frobnicate'", err),
          "unknown config key must exit 2 naming the line", err)
    code, _, err = run("-p", tmp, "--config", os.path.join(tmp, "missing.yaml"))
    check(code == 2 and "cannot read config file" in err, "missing config file", err)


def case_fingerprints_stable(tmp):
    names = ["main.cpp", "bank.h", "bank_ledger.cpp", "bank_audit.cpp", "global_counter.cpp",
             "transfer.cpp", "scenarios.h"]
    files = {}
    for name in names:
        with open(os.path.join(TESTCASES, name), encoding="utf-8") as f:
            files[name] = f.read()
    make_project(tmp, files)
    _, before, _ = sarif_of(tmp)
    shifted = {name: "// an unrelated comment\n\n" + text for name, text in files.items()}
    make_project(tmp, shifted)
    _, after, _ = sarif_of(tmp)

    def prints(sarif):
        return sorted((r["ruleId"], r["partialFingerprints"]["interlock/v1"])
                      for r in results_of(sarif))

    def lines(sarif):
        return sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"]
                      for r in results_of(sarif))

    check(results_of(before), "the copied testcases must have findings")
    check(lines(after) == [n + 2 for n in lines(before)], "results did not move by 2 lines")
    check(prints(before) == prints(after),
          "fingerprints changed when unrelated lines moved:\n%s\n%s"
          % (prints(before), prints(after)))


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    global TOOL, TESTCASES
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tool")
    parser.add_argument("--testcases")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("cases", nargs="*")
    args = parser.parse_args()
    if args.list:
        print("\n".join(sorted(CASES)))
        return 0
    TOOL, TESTCASES = os.path.realpath(args.tool), args.testcases
    failed = 0
    for name in args.cases or sorted(CASES):
        with tempfile.TemporaryDirectory(prefix="interlock-cli-") as tmp:
            try:
                CASES[name](os.path.realpath(tmp))
                print("PASS %s" % name)
            except Failure as failure:
                failed += 1
                print("FAIL %s: %s" % (name, failure))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
