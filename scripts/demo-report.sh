#!/usr/bin/env bash
# The merged report of the demo: interlock report over what the static and
# runtime demos wrote ($BUILD_DIR/demo/static.sarif, $BUILD_DIR/demo/runtime/*.sarif).
# Prints the text summary, writes interlock-report.{html,sarif,dot} next to
# them, and says where to open the HTML. Exit status: interlock report's
# (1 when there are findings, as in the bundled testcases).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
demo=$build/demo
interlock=$build/report/interlock

if [ ! -x "$interlock" ]; then
  echo "demo-report: $interlock is not built (run scripts/build.sh)" >&2
  exit 2
fi
inputs=()
[ -f "$demo/static.sarif" ] && inputs+=("$demo/static.sarif")
if compgen -G "$demo/runtime/*.sarif" >/dev/null; then
  inputs+=("$demo/runtime")
fi
if [ ${#inputs[@]} -eq 0 ]; then
  echo "demo-report: no SARIF under $demo (scripts/demo-static.sh and scripts/demo-runtime.sh write it)" >&2
  exit 2
fi

status=0
"$interlock" report "${inputs[@]}" --srcroot="$root" \
  --html="$demo/interlock-report.html" \
  --sarif="$demo/interlock-report.sarif" \
  --dot="$demo/interlock-report.dot" || status=$?
echo
echo "Merged report: $demo/interlock-report.sarif (SARIF 2.1.0, for code scanning)"
echo "Lock graph:    $demo/interlock-report.dot (dot -Tsvg to draw it)"
echo "Open in a browser: file://$demo/interlock-report.html"
exit $status
