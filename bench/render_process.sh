#!/usr/bin/env bash
# Times `kiosk render --pages 1` as a whole process (start, config, fonts, import, shaping,
# layout, one 1920x1080 PNG of the report, exit): median of N runs (default 15).
#   bench/render_process.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
bin=./build/kiosk
[ -x "$bin" ] || { echo "build first: scripts/build.sh" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$bin" render --out "$out" --pages 1 --now 2026-11-27T09:30 >/dev/null  # warm the page cache
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" render --out "$out" --item report --pages 1 --size 1920x1080 --now 2026-11-27T09:30 >/dev/null
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000 )))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
median=${sorted[$(( runs / 2 ))]}
printf 'kiosk render --item report --pages 1 (1920x1080): median %d.%03d ms, min %d.%03d ms, max %d.%03d ms over %d runs\n' \
  $((median / 1000)) $((median % 1000)) $((sorted[0] / 1000)) $((sorted[0] % 1000)) \
  $((sorted[runs - 1] / 1000)) $((sorted[runs - 1] % 1000)) "$runs"
