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
# -g1 (line tables and function names: what a backtrace and a sanitizer's report need)
# rather than -g: a third less compile time per file, and the links are smaller.
g1=(-DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"
    -DCMAKE_CXX_FLAGS_DEBUG="-g1" -DCMAKE_C_FLAGS_DEBUG="-g1")
flags=(-DKIOSK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_TESTS=ON -DKIOSK_BENCH=ON)
case "${1:-}" in
  --sanitize)
    dir=build-asan
    flags=(-DKIOSK_WERROR=ON -DKIOSK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DKIOSK_TESTS=ON -DKIOSK_BENCH=OFF) ;;
  --demo) flags=(-DKIOSK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_TESTS=OFF -DKIOSK_BENCH=OFF) ;;
  "") ;;
  *) echo "usage: scripts/build.sh [--sanitize|--demo]" >&2; exit 2 ;;
esac
cmake -S . -B "$dir" -G Ninja "${flags[@]}" "${g1[@]}" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"
