#!/usr/bin/env bash
# Configures and builds kiosk. `scripts/build.sh` -> build/ (warnings are errors);
# `scripts/build.sh --sanitize` -> build-asan/ with AddressSanitizer + UBSan;
# `scripts/build.sh --demo` -> build/ without the tests and benchmarks (what
# `scripts/install-deps.sh --demo` installs is enough for it).
set -euo pipefail
cd "$(dirname "$0")/.."

# KIOSK_TESTS and KIOSK_BENCH are given every time: CMake's cache would otherwise keep a
# demo build's OFF for the next plain build (and scripts/test.sh would find no tests).
dir=build
flags=(-DKIOSK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_TESTS=ON -DKIOSK_BENCH=ON)
case "${1:-}" in
  --sanitize)
    dir=build-asan
    flags=(-DKIOSK_WERROR=ON -DKIOSK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DKIOSK_TESTS=ON -DKIOSK_BENCH=OFF) ;;
  --demo) flags=(-DKIOSK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_TESTS=OFF -DKIOSK_BENCH=OFF) ;;
  "") ;;
  *) echo "usage: scripts/build.sh [--sanitize|--demo]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"
