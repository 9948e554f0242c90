#!/usr/bin/env bash
# Installs the Debian 12 packages kiosk needs; only what is missing, so running it again is
# quick. Needs root (or sudo).
#   scripts/install-deps.sh          everything: build, run, the tests, fuzzing (scripts/test.sh)
#   scripts/install-deps.sh --demo   only what building and running kiosk needs (scripts/demo.sh,
#                                    which builds without the tests and benchmarks)
#   scripts/install-deps.sh --hall   the same, and the broker and openssl (scripts/demo.sh --hall)
set -euo pipefail

# Building and running: every library CMakeLists.txt finds (the fleet's and the console's
# too: the top-level build requires them; libcec-dev's headers for the cec power backend,
# with libp8-platform-dev and libudev-dev, which its libcec.pc requires but Debian's
# libcec-dev does not pull in), msgfmt for the catalogue, the CJK font, zones. cec-utils
# (cec-client, to try an adapter by hand) is for people, not needed here.
build_run=(
  cmake ninja-build g++ pkg-config gettext
  libsdl2-dev libsdl2-image-dev libfreetype-dev libharfbuzz-dev libicu-dev libfontconfig-dev
  libpng-dev libcurl4-openssl-dev nlohmann-json3-dev libgumbo-dev libxml2-dev libcpp-httplib-dev libssl-dev
  libqrencode-dev libsystemd-dev libsodium-dev libmosquitto-dev libsqlite3-dev libxext-dev libdrm-dev
  libcec-dev libp8-platform-dev libudev-dev
  fonts-noto-cjk tzdata
)
# The tests (Catch2, the broker and certificates of the fleet tests, the schemas' checker,
# Unicode's line-break test data, the console's browser test), fuzzing (clang's libFuzzer),
# the fallback font the package recommends, and the rest of the full set as it always was;
# bench/render_vs_pango.sh's pango-view and /usr/bin/time; mosquitto_sub, with which the
# durability test reads the broker's retained documents; the SMTP sink (with STARTTLS) the
# alert channels' tests send mail to; socat, the link between a hall's broker and the
# city's that the bridge test cuts; Xorg with the dummy video driver, xset, and Xorg's
# headers for the test panel driver with DPMS (tests/xorg_panel): the dpms backend's tests;
# faketime (libfaketime), the fast wall clock of the hall's day test (a panel asleep over
# lunch); xvfb (xvfb-run), the X server bench/ticker_bench measures the ticker band's frames
# under; poppler-utils (pdftotext -bbox-layout), with which bench/compare_print_chromium.py reads
# the PDF Chromium prints of a 新旧对照. (No SDL2_ttf: nothing uses it.)
test_fuzz=(
  catch2 openssl mosquitto mosquitto-clients systemd python3-jsonschema unicode-data fonts-hanazono
  python3-aiosmtpd socat faketime
  xserver-xorg-core xserver-xorg-video-dummy x11-xserver-utils xserver-xorg-dev
  clang libclang-rt-14-dev
  chromium chromium-driver python3-selenium
  pango1.0-tools time xvfb poppler-utils
)

case "${1:-}" in
  --demo) packages=("${build_run[@]}") ;;
  --hall) packages=("${build_run[@]}" mosquitto openssl) ;;
  "") packages=("${build_run[@]}" "${test_fuzz[@]}") ;;
  *) echo "usage: scripts/install-deps.sh [--demo|--hall]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
