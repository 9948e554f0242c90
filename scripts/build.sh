#!/usr/bin/env bash
# Configures and builds kiosk. `scripts/build.sh` -> build/ (warnings are errors);
# `scripts/build.sh --sanitize` -> build-asan/ with AddressSanitizer + UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
flags=(-DKIOSK_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DKIOSK_WERROR=ON -DKIOSK_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DKIOSK_BENCH=OFF)
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" --parallel "$(nproc)"
