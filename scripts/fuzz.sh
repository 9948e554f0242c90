#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs them for SECONDS in all
# (default 120): a third for extract_fuzz (portal pages), a sixth each for config_fuzz
# (kiosk.json and playlists), cache_fuzz (cache entries), fleet_fuzz (desired-state
# documents and topics from a broker) and cap_fuzz (official warnings: CAP / GB/T 35965.1
# messages and feeds), each with its seeds and its
# dictionary (fuzz/*.dict). New inputs that found coverage stay in build-fuzz/corpus/ (not
# committed); a crash leaves its input in build-fuzz/ and fails.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DKIOSK_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" >/dev/null
cmake --build build-fuzz
mkdir -p build-fuzz/corpus/extract build-fuzz/corpus/config build-fuzz/corpus/cache build-fuzz/seeds/cache \
  build-fuzz/corpus/fleet build-fuzz/seeds/fleet build-fuzz/corpus/cap
# A signed document's shape (a payload {"v":1,…} and a signature nobody trusted made).
printf '{"payload":"eyJ2IjoxLCJpZCI6InJlZnJlc2giLCJ0YXJnZXQiOiJhbGwiLCJraW5kIjoicmVmcmVzaCIsImdlbiI6MSwiaXNzdWVkIjoxODAwMDAwMDAwLCJleHBpcmVzIjoxODAwMDAzNjAwLCJib2R5Ijp7fX0=","kid":"office-2026","sig":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=="}' \
  > build-fuzz/seeds/fleet/refresh.json
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
run extract_fuzz $((seconds / 3)) html.dict corpus/extract ../tests/fixtures/portal ../tests/fixtures/images ../assets/samples
run config_fuzz $((seconds / 6)) json.dict corpus/config ../config ../tests/fixtures/config-errors ../tests/fixtures/calendar-errors
run cache_fuzz $((seconds / 6)) cache.dict corpus/cache seeds/cache
run fleet_fuzz $((seconds / 6)) json.dict corpus/fleet seeds/fleet
run cap_fuzz $((seconds / 6)) cap.dict corpus/cap ../tests/fixtures/warnings
