#!/usr/bin/env bash
# Installs what is missing, builds, and shows the bundled demo (the 2019 annual report):
# in a window where a display exists, else as PNG pages in out/demo/.
#   scripts/demo.sh --hall   a whole hall instead: broker, two screens and the console
#                            (scripts/demo-hall.sh; Ctrl-C stops it all)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--hall" ]; then
  shift
  exec scripts/demo-hall.sh "$@"
fi
scripts/install-deps.sh --demo   # build and run packages only (no browser, broker, clang)
scripts/build.sh --demo          # the kiosk without the tests and benchmarks

if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: showing the report in a window (Ctrl-C to stop)"
  exec ./build/kiosk run --windowed=1280x720 "$@"
fi
echo "demo: no display here; rendering every page to PNG instead"
rm -rf out/demo
./build/kiosk render --out out/demo "$@"
echo "demo: pages written to $(pwd)/out/demo/"
