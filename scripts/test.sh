#!/usr/bin/env bash
# The whole test suite: install what is missing, build, run every unit and
# end-to-end test through CTest. This is what CI (.ci/run) runs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$root/build}
bash "$root/scripts/build.sh"
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 600
