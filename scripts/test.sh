#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole test suite twice: a normal build
# with warnings as errors, and a build with AddressSanitizer + UndefinedBehaviorSanitizer;
# then fuzzes the readers of portal pages, configuration, cache entries, fleet documents and official warnings for 120 s in all
# (clang, libFuzzer).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

export SDL_VIDEODRIVER=dummy   # tests never need a display
jobs=$(nproc)

echo "== build (gcc, -Werror) [${SECONDS} s]"
scripts/build.sh
echo "== tests (the console's browser tests run once, in the sanitized build below) [${SECONDS} s]"
# Chromium driving the console costs minutes per run; it exercises the same console code in
# both builds, and under the sanitizers it also checks that code's memory, so it runs there.
# One more test than cores: most of them wait on a broker, a kiosk's dwell or a socket, and
# each is built to pass with two busy processes beside it.
ctest --test-dir build --output-on-failure --parallel "$((jobs + 1))" --timeout 300 --label-exclude browser

echo "== build (gcc, ASan + UBSan) [${SECONDS} s]"
scripts/build.sh --sanitize
echo "== tests under ASan + UBSan [${SECONDS} s]"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
LSAN_OPTIONS=suppressions="$(pwd)/tests/lsan.supp":print_suppressions=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure --parallel "$jobs" --timeout 600
echo "== fuzzing (clang, libFuzzer, ASan + UBSan): pages, configuration, cache entries, fleet documents and warnings, 120 s in all [${SECONDS} s]"
scripts/fuzz.sh 120
echo "== all tests passed [${SECONDS} s]"
