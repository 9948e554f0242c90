#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default
# 60) with the portal fixtures as the seed corpus. New inputs that found coverage stay in
# build-fuzz/corpus/ (not committed); a crash leaves its input in build-fuzz/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DKIOSK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz
mkdir -p build-fuzz/corpus/extract
seeds=(tests/fixtures/portal tests/fixtures/images assets/samples)
cd build-fuzz
echo "== fuzzing extract_fuzz for ${seconds}s"
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ./fuzz/extract_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
    -print_final_stats=1 corpus/extract "${seeds[@]/#/../}"
