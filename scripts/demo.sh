#!/usr/bin/env bash
# The main job: install what is missing, build, and run both halves of Interlock
# on the bundled testcases/, with readable output.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
export BUILD_DIR=${BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"

echo
echo "=== Static analysis: interlock-check over testcases/static ==="
bash "$root/scripts/demo-static.sh" || true
echo
echo "=== Runtime: testcases/runtime programs run with libinterlock preloaded ==="
bash "$root/scripts/demo-runtime.sh" || true
echo
echo "=== One report: interlock report merges the static and runtime SARIF ==="
bash "$root/scripts/demo-report.sh" || true
