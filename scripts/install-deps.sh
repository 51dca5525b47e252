#!/usr/bin/env bash
# Installs Interlock's build and test dependencies from Debian packages.
# Idempotent: packages already present are skipped, and apt is not touched at all
# when nothing is missing. Must run as root (or via sudo) on Debian bookworm.
set -euo pipefail

PACKAGES=(
  cmake ninja-build g++ make binutils python3
  clang-19 llvm-19-dev libclang-19-dev libclang-cpp19-dev libclang-rt-19-dev llvm-19-tools
  libboost-graph-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  graphviz
  chromium   # headless browser for the HTML report test (tests/e2e/report_html_test.py)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
