#!/usr/bin/env bash
# Installs the Debian 12 packages kiosk needs to build, test and run; only what is missing,
# so running it again is quick. Needs root (or sudo).
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libsdl2-dev libsdl2-ttf-dev libfreetype-dev libharfbuzz-dev libicu-dev libfontconfig-dev
  libpng-dev libcurl4-openssl-dev nlohmann-json3-dev catch2 libgumbo-dev libxml2-dev libcpp-httplib-dev libssl-dev openssl
  clang libclang-rt-14-dev libsdl2-image-dev libqrencode-dev libsystemd-dev systemd
  fonts-noto-cjk fonts-hanazono unicode-data tzdata gettext python3-jsonschema
  libsodium-dev libmosquitto-dev mosquitto libsqlite3-dev
  chromium chromium-driver python3-selenium
)

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
