#!/bin/sh
# 新旧对照 (issue 30): the kiosk and Chromium on the same comparisons, in one run.
#   bench/compare.sh [BUILD_DIR] [--keep DIR]
# compare_bench compares the 2007→2019 《政府信息公开条例》 and the revision pairs, lays them out
# at 1920x1080, 1080x1920 and 1280x720 and writes the comparisons (kiosk-compare/1) and the sizes;
# compare_print_chromium.py prints the same pairs as an HTML table with Chromium and measures the
# PDF the same way. Prints the two tables one after the other, then the counts side by side.
set -e
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
keep=
if [ "$2" = "--keep" ] && [ -n "$3" ]; then keep=$3; fi
dir=$(mktemp -d /tmp/compare-bench.XXXXXX)
trap 'rm -rf "$dir"' EXIT
"$build/bench/compare_bench" --json "$dir" | tee "$dir/kiosk.txt"
echo
if [ -n "$keep" ]; then
  /usr/bin/python3 "$here/compare_print_chromium.py" "$dir" --keep "$keep" | tee "$dir/chromium.txt"
else
  /usr/bin/python3 "$here/compare_print_chromium.py" "$dir" | tee "$dir/chromium.txt"
fi
echo
/usr/bin/python3 - "$dir/kiosk.txt" "$dir/chromium.txt" <<'PY'
import sys
def rows(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        f = line.split()
        if len(f) >= 10 and "x" in f[1] and f[2].isdigit():
            out[(f[0], f[1])] = f
    return out
k, c = rows(sys.argv[1]), rows(sys.argv[2])
print("side by side: pages, misaligned starts, stubs, stranded numbers, lost characters (kiosk | Chromium)")
print("%-10s %-9s %11s %11s %11s %11s %11s" % ("text", "size", "pages", "misaligned", "stubs", "stranded", "lost"))
for key in k:
    a, b = k[key], c.get(key)
    cell = lambda i: "%5s | %-5s" % (a[i], b[i] if b else "-")
    print("%-10s %-9s %11s %11s %11s %11s %11s" % (key[0], key[1], cell(2), cell(4), cell(5), cell(6), cell(7)))
PY
