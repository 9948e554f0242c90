#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs them for SECONDS in all
# (default 120): a quarter for extract_fuzz (portal pages), an eighth each for config_fuzz
# (kiosk.json and playlists), cache_fuzz (cache entries), fleet_fuzz (desired-state
# documents and topics from a broker), cap_fuzz (official warnings: CAP / GB/T 35965.1
# messages and feeds) and compare_fuzz (新旧对照: two texts split at a NUL, and published
# 对照表 pages), each with its seeds and its dictionary (fuzz/*.dict); an eighth is left for
# the build and the targets still to come. New inputs that found coverage stay in
# build-fuzz/corpus/ (not committed); a crash leaves its input in build-fuzz/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DKIOSK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build-fuzz
mkdir -p build-fuzz/corpus/extract build-fuzz/corpus/config build-fuzz/corpus/cache build-fuzz/seeds/cache \
  build-fuzz/corpus/fleet build-fuzz/seeds/fleet build-fuzz/corpus/cap build-fuzz/corpus/compare build-fuzz/seeds/compare
# A signed document's shape (a payload {"v":1,…} and a signature nobody trusted made).
printf '{"payload":"eyJ2IjoxLCJpZCI6InJlZnJlc2giLCJ0YXJnZXQiOiJhbGwiLCJraW5kIjoicmVmcmVzaCIsImdlbiI6MSwiaXNzdWVkIjoxODAwMDAwMDAwLCJleHBpcmVzIjoxODAwMDAzNjAwLCJib2R5Ijp7fX0=","kid":"office-2026","sig":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}' \
  > build-fuzz/seeds/fleet/refresh.json
# Two texts of one article, old and new, split at a NUL (compare_fuzz reads them so).
printf '第一条　为了保障公民依法获取政府信息，促进依法行政，制定本条例。\n第二条　本条例所称政府信息。\0第一条　为了保障公民依法获取政府信息，建设法治政府，制定本条例。\n第二条　本条例所称政府信息。\n第三条　新增。' \
  > build-fuzz/seeds/compare/two-texts.txt
# A valid, empty cache entry as the cache reader's seed.
printf 'kiosk-cache/1\n{"body_size":0,"content_hash":"cbf29ce484222325","content_type":"","document_hash":"cbf29ce484222325","document_size":0,"etag":"","fetched_at":0,"final_url":"","last_modified":"","url":""}\n' \
  > build-fuzz/seeds/cache/empty.cache
cd build-fuzz
run() {  # target seconds dictionary corpus seeds...
  local target=$1 secs=$2 dict=$3 corpus=$4
  shift 4
  echo "== fuzzing ${target} for ${secs}s"
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ./fuzz/"$target" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
      -dict="../fuzz/$dict" -print_final_stats=1 "$corpus" "$@"
}
run extract_fuzz $((seconds / 4)) html.dict corpus/extract ../tests/fixtures/portal ../tests/fixtures/images ../assets/samples
run config_fuzz $((seconds / 8)) json.dict corpus/config ../config ../tests/fixtures/config-errors ../tests/fixtures/calendar-errors
run cache_fuzz $((seconds / 8)) cache.dict corpus/cache seeds/cache
run fleet_fuzz $((seconds / 8)) json.dict corpus/fleet seeds/fleet
run cap_fuzz $((seconds / 8)) cap.dict corpus/cap ../tests/fixtures/warnings
run compare_fuzz $((seconds / 8)) html.dict corpus/compare seeds/compare ../tests/fixtures/compare
