#!/usr/bin/env bash
# Installs Debian's chromium for bench/compare_chromium.py (a benchmark, never a test).
set -euo pipefail
command -v chromium >/dev/null && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
