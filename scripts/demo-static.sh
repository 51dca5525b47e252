#!/usr/bin/env bash
# Static half of the demo: runs interlock-check over testcases/static (one
# program of C and C++ scenarios, several spanning two or more files), shows the
# diagnostics clang-style, then a summary by rule and file. Also writes the run's
# SARIF to $BUILD_DIR/demo/static.sarif for the report driver.
# Exit: 0 when the tool ran (the testcases contain findings on purpose), 2 on error.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
tool=$build/analyzer/interlock-check
testcases=$root/testcases/static
db=$build/testcases-static
sarif=$build/demo/static.sarif

if [ ! -x "$tool" ]; then
  echo "demo-static: $tool is not built (run scripts/build.sh)" >&2
  exit 2
fi
if [ ! -f "$db/compile_commands.json" ]; then
  echo "demo-static: generating the testcases' compile database in $db"
  cmake -S "$testcases" -B "$db" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
fi
mkdir -p "$build/demo"

echo "\$ interlock-check -p ${db#"$root"/} --config testcases/static/interlock.yaml --sarif-output=${sarif#"$root"/}"
echo
status=0
"$tool" -p "$db" --config "$testcases/interlock.yaml" --sarif-output="$sarif" 2>&1 || status=$?
echo
case $status in
  0) echo "exit 0: no findings" ;;
  1) echo "exit 1: findings reported (expected: the testcases contain races and deadlocks on purpose)" ;;
  *) echo "exit $status: interlock-check failed" >&2; exit 2 ;;
esac

python3 - "$sarif" "$testcases" <<'PY'
import collections, json, sys
sarif, testcases = sys.argv[1], sys.argv[2]
run = json.load(open(sarif))["runs"][0]
by_file = collections.defaultdict(collections.Counter)
for result in run["results"]:
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    by_file[uri][result["ruleId"]] += 1
rules = sorted({rule for counts in by_file.values() for rule in counts})
print("\nFindings by file (%s):" % ", ".join(rules))
for uri in sorted(by_file):
    counts = by_file[uri]
    print("  %-26s %s" % (uri, "  ".join("%s %d" % (r, counts[r]) for r in rules if counts[r])))
print("\nMarkers in the sources say what is expected: RACE/DEADLOCK/DOUBLELOCK lines must be")
print("reported, NORACE/NODEADLOCK/NODOUBLELOCK look-alikes must not (tests/e2e/static_check.py).")
print("SARIF written to %s" % sarif)
PY
