#!/usr/bin/env bash
# Each program loads only what it uses (docs/architecture.md, "Build graph"):
# kiosk-console draws nothing and sets no type, so none of SDL, FreeType, HarfBuzz,
# fontconfig or qrencode may be among the libraries the loader maps for it; the kiosk,
# which does set type, must still have the type libraries (else this check would pass on
# a broken ldd); and the kiosk leaves what few commands use to be opened when it is used.
#   tests/check_linked_libraries.sh KIOSK_BINARY KIOSK_CONSOLE_BINARY
set -euo pipefail
kiosk=$1
console=$2
drawing='libSDL2|libfreetype|libharfbuzz|libfontconfig|libqrencode'

console_libs=$(ldd "$console")
kiosk_libs=$(ldd "$kiosk")
status=0

if found=$(grep -E "$drawing" <<<"$console_libs"); then
  echo "FAIL: kiosk-console loads drawing libraries:" >&2
  echo "$found" >&2
  status=1
fi
for lib in libfreetype libharfbuzz libfontconfig libqrencode; do
  if ! grep -q "$lib" <<<"$kiosk_libs"; then
    echo "FAIL: kiosk does not load $lib (the check above would prove nothing)" >&2
    status=1
  fi
done
# What only some commands use is opened at first use (base/shared_library.hpp), not by
# the loader at every start: fetching (libcurl, 22 libraries more), the screen (SDL2, 37
# more: X11, Wayland, ALSA, PulseAudio, D-Bus…; `kiosk render` paints without it),
# pictures (SDL2_image), the fleet's broker (libmosquitto, with libssl and libcrypto) and
# HDMI-CEC (libcec, with libp8-platform and libudev, only for the cec power backend).
for lib in libcurl libSDL2-2.0 libSDL2_image libmosquitto libcec; do
  if grep -q "$lib" <<<"$kiosk_libs"; then
    echo "FAIL: kiosk loads $lib at start" >&2
    status=1
  fi
done
# The console still needs its own (and ldd must have resolved something at all); it too
# opens libmosquitto when it connects to the broker.
for lib in libsqlite3; do
  if ! grep -q "$lib" <<<"$console_libs"; then
    echo "FAIL: kiosk-console does not load $lib" >&2
    status=1
  fi
done
[ $status -eq 0 ] && echo "kiosk-console: $(wc -l <<<"$console_libs") libraries, none for drawing; kiosk: $(wc -l <<<"$kiosk_libs")"
exit $status
