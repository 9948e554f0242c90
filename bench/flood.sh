#!/usr/bin/env bash
# Everything issue 25 measured under flood, an older build and this one side by side in one
# run: the screen (bench/flood_bench: a 10,000-notice flood through a real Mosquitto, a
# restart mid-redelivery, a 200,000-record plays spool drained) and the console's front door
# (bench/flood_console.py: a 3 MB login body, slow sockets, a login flood, a foreign Host,
# slow extracts), each console measurement taken on the older build and then on this one.
#
#   bench/flood.sh BEFORE_BUILD [AFTER_BUILD]      (AFTER_BUILD defaults to ./build)
#
# BEFORE_BUILD is a build folder (or a folder with copies of its kiosk and kiosk-console) of
# the version to compare with, e.g.
#   git worktree add /tmp/before 7216287 && cmake -S /tmp/before -B /tmp/before/build -G Ninja \
#     -DCMAKE_BUILD_TYPE=RelWithDebInfo -DKIOSK_BENCH=OFF && ninja -C /tmp/before/build kiosk kiosk-console
# It takes about a quarter of an hour (the older build's flood runs into its time limits).
set -euo pipefail
cd "$(dirname "$0")/.."
before=$(cd "${1:?usage: bench/flood.sh BEFORE_BUILD [AFTER_BUILD]}" && pwd)
after=$(cd "${2:-build}" && pwd)
for b in "$before" "$after"; do
  [ -x "$b/kiosk" ] && [ -x "$b/kiosk-console" ] || { echo "$b: no kiosk and kiosk-console here" >&2; exit 1; }
done
[ -x "$after/bench/flood_bench" ] || { echo "$after/bench/flood_bench missing: build with scripts/build.sh" >&2; exit 1; }

echo "== the screen"
"$after/bench/flood_bench" --before "$before/kiosk" --after "$after/kiosk"
echo
echo "== the console's front door (each line: before, then after)"
for m in memory slow flood host extract; do
  for side in before after; do
    dir=$before; [ "$side" = after ] && dir=$after
    python3 bench/flood_console.py "$dir" . "$m" | grep -v '^{' | sed "s/^/$side  /"
  done
done
