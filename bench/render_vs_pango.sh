#!/usr/bin/env bash
# `kiosk render --pages 1` beside pango-view on the same text, page size and font, as whole
# processes: each run starts one of each in turn (so both see the same machine load), and
# the script prints the median wall time and peak RSS of each.
#   bench/render_vs_pango.sh [RUNS] [KIOSK_BINARY]      (defaults: 15, ./build/kiosk)
#
# The text is the bundled report (assets/samples/changchun-2019-xxgk-annual-report.txt)
# through the demo configuration (config/kiosk.json: 1920x1080, Noto Sans CJK SC, body
# 0.037 of the shorter side = 40 px, line height 1.65, side margin 0.055 = 59 px).
# pango-view gets the same file, font and pixel size, the page's width less the side
# margins, justified, and is cut at the page's height (--height + --ellipsize), so both draw
# one page of the report and write it as a PNG.
# Wall time and peak RSS come from `/usr/bin/time -f '%e %M'` (Debian package `time`); the
# wall time is also taken in ns around it, since %e has only 10 ms steps.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}
kiosk=${2:-./build/kiosk}
text=assets/samples/changchun-2019-xxgk-annual-report.txt
config=config/kiosk.json
[ -x "$kiosk" ] || { echo "build first: scripts/build.sh (or give the kiosk binary)" >&2; exit 1; }
command -v pango-view >/dev/null || { echo "pango-view missing: apt-get install pango1.0-tools" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time missing: apt-get install time" >&2; exit 1; }

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

kiosk_cmd=("$kiosk" render --config "$config" --input "$text" --out "$out/kiosk" --size 1920x1080
           --pages 1 --now 2026-11-27T09:30)
# 1920 - 2 x 59 px side margins. pango-view cuts the text at --height (ellipsizing) before
# its line spacing, so 600 gives the page's height: a 1920x1039 PNG (printed below).
pango_cmd=(pango-view -q --pixels --font "Noto Sans CJK SC 40" --language zh-cn --line-spacing 1.65
           --width 1802 --height 600 --ellipsize end --wrap word-char --justify --margin 59
           --background '#FBF8F1' --foreground '#1A1A1A' -o "$out/pango.png" "$text")

# One timed run: prints "WALL_US PEAK_KIB".
measure() {
  local start end
  start=$(date +%s%N)
  /usr/bin/time -o "$out/time" -f '%e %M' "$@" >/dev/null 2>"$out/stderr" ||
    { echo "failed: $*" >&2; cat "$out/stderr" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000 )) $(cut -d' ' -f2 "$out/time")"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Warm the page cache (fonts, libraries, the text) for both before timing anything.
measure "${kiosk_cmd[@]}" >/dev/null
measure "${pango_cmd[@]}" >/dev/null

: >"$out/kiosk.runs"
: >"$out/pango.runs"
for _ in $(seq "$runs"); do
  measure "${kiosk_cmd[@]}" >>"$out/kiosk.runs"
  measure "${pango_cmd[@]}" >>"$out/pango.runs"
done

report() {  # NAME FILE
  local wall rss
  wall=$(cut -d' ' -f1 "$2" | median)
  rss=$(cut -d' ' -f2 "$2" | median)
  awk -v n="$1" -v w="$wall" -v r="$rss" -v k="$runs" \
    'BEGIN { printf "%-26s median wall %7.1f ms   median peak RSS %6.1f MiB  (%d runs)\n", n, w / 1000, r / 1024, k }'
}
report "kiosk render --pages 1" "$out/kiosk.runs"
report "pango-view (cairo PNG)" "$out/pango.runs"
# A PNG's width and height from its IHDR chunk (bytes 16-23, big-endian).
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%dx%d", $3 * 256 + $4, $7 * 256 + $8 }'; }
echo "PNGs: kiosk $(png_size "$out"/kiosk/*-001.png), pango-view $(png_size "$out/pango.png")"
echo "kiosk:      ${kiosk_cmd[*]}"
echo "pango-view: ${pango_cmd[*]}"
