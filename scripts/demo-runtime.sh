#!/usr/bin/env bash
# Runtime demo: runs every testcases/runtime program with libinterlock
# preloaded, shows its report (stderr) and a one-line verdict, then a summary.
# Each program's SARIF goes to $BUILD_DIR/demo/runtime/<program>.sarif (the
# folder is cleared first) for the report driver to merge afterwards.
# Expects a built tree: BUILD_DIR (default: <repo>/build) with the runtime and
# the testcase programs (scripts/build.sh builds both).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
runtime="$build/runtime/libinterlock.so"
programs="$build/testcases/runtime"
sarif_dir="$build/demo/runtime"
checker="$root/tests/e2e/runtime_check.py"

if [ ! -f "$runtime" ]; then
  echo "demo-runtime: $runtime not found: build first (scripts/build.sh)" >&2
  exit 1
fi
rm -rf "$sarif_dir"
mkdir -p "$sarif_dir"

passed=0
failed=0
failed_names=()
shopt -s nullglob
# testcases/runtime/*.c|cpp are built into $programs/, the liveness ones
# (testcases/runtime/liveness/) into $programs/liveness/.
for source in "$root"/testcases/runtime/*.c "$root"/testcases/runtime/*.cpp \
              "$root"/testcases/runtime/*/*.c "$root"/testcases/runtime/*/*.cpp; do
  name=$(basename "$source")
  stem=${name%.*}
  folder=$(basename "$(dirname "$source")")
  if [ "$folder" = runtime ]; then
    program="$programs/$stem"
  else
    program="$programs/$folder/$stem"
    name="$folder/$name"
  fi
  echo "----- $name -----"
  if [ ! -x "$program" ]; then
    echo "$name: NOT BUILT ($program missing)"
    failed=$((failed + 1))
    failed_names+=("$name")
    continue
  fi
  # Liveness programs depend on the scheduler: like the test suite, give them
  # up to three runs to show what they are annotated with.
  attempts=1
  [ "$folder" = liveness ] && attempts=3
  if python3 "$checker" --demo --source "$source" --program "$program" --preload "$runtime" \
      --timeout 20 --attempts "$attempts" --sarif-out "$sarif_dir/$stem.sarif"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    failed_names+=("$name")
  fi
  echo
done

echo "===== runtime demo: $passed of $((passed + failed)) programs behaved as annotated ====="
if [ "$failed" -gt 0 ]; then
  echo "not as annotated: ${failed_names[*]}"
fi
echo "SARIF files: $sarif_dir"
[ "$failed" -eq 0 ]
