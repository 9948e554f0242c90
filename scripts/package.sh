#!/usr/bin/env bash
# Builds kiosk_VERSION_amd64.deb and kiosk-console_VERSION_amd64.deb: a release build with the /usr prefix, packed by CPack,
# then checked (its conffiles and dependencies) with dpkg-deb. Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# -O2 as Debian builds packages, and as CI tests (GCC 12 at -O3 reports -Wrestrict false
# positives in libstdc++'s string code).
cmake -S . -B build-deb -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_INSTALL_PREFIX=/usr \
      -DKIOSK_TESTS=OFF -DKIOSK_BENCH=OFF -DKIOSK_WERROR=ON >/dev/null
cmake --build build-deb
(cd build-deb && cpack -G DEB >/dev/null)
deb=$(ls build-deb/kiosk_*.deb)
console_deb=$(ls build-deb/kiosk-console_*.deb)
echo "== $deb"
dpkg-deb -I "$deb" | sed -n '/Package:/,$p'
echo "== conffiles"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles
grep -q /etc/kiosk/playlist.json <(dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles)
dpkg-deb -c "$deb" | grep -E "usr/bin/kiosk|etc/kiosk|kiosk.service|sysusers" 
echo "== $console_deb"
dpkg-deb -I "$console_deb" | sed -n '/Package:/,$p'
grep -q /etc/kiosk-console/console.json <(dpkg-deb --ctrl-tarfile "$console_deb" | tar -xO ./conffiles)
dpkg-deb -c "$console_deb" | grep -E "usr/bin/kiosk-console|etc/kiosk-console|kiosk-console.service|sysusers|tmpfiles|office.json.example|assets/app.html"
# The state folder exists from the install on: the console's first `adduser` needs it.
dpkg-deb -c "$console_deb" | grep -q "usr/lib/tmpfiles.d/kiosk-console.conf"
grep -q "systemd-tmpfiles --create kiosk-console.conf" <(dpkg-deb --ctrl-tarfile "$console_deb" | tar -xO ./postinst)
# Neither package carries the other's files.
! dpkg-deb -c "$deb" | grep -q kiosk-console
