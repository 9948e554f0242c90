#!/usr/bin/env bash
# `cmake --install` into a staging folder: the binary, /etc/kiosk with the playlist pointing
# at the installed demo, the systemd unit with this prefix's binary, the sysusers file, the
# demo, the docs and the translations land where they belong; the installed kiosk.json
# passes `kiosk check` once the staged demo is where the paths say.
set -euo pipefail
build=$1
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
DESTDIR="$stage" cmake --install "$build" >/dev/null
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$build/CMakeCache.txt")
for f in "$prefix/bin/kiosk" /etc/kiosk/kiosk.json /etc/kiosk/playlist.json "$prefix/lib/systemd/system/kiosk.service" \
         "$prefix/lib/sysusers.d/kiosk.conf" "$prefix/share/kiosk/demo/config/kiosk.json" \
         "$prefix/share/kiosk/demo/config/calendar.example.json" "$prefix/share/kiosk/demo/config/calendar.schema.json" \
         "$prefix/share/kiosk/demo/assets/samples/changchun-2019-xxgk-annual-report.txt" \
         "$prefix/share/doc/kiosk/operators.zh_CN.md" "$prefix/share/locale/zh_CN/LC_MESSAGES/kiosk.mo" \
         "$prefix/bin/kiosk-console" /etc/kiosk-console/console.json "$prefix/lib/systemd/system/kiosk-console.service" \
         "$prefix/lib/sysusers.d/kiosk-console.conf" "$prefix/share/kiosk-console/assets/app.html" \
         "$prefix/share/kiosk-console/assets/app.js" "$prefix/share/doc/kiosk-console/console.md" \
         "$prefix/lib/tmpfiles.d/kiosk-console.conf" "$prefix/share/kiosk-console/office.json.example" \
         "$prefix/share/kiosk/fleet-ca.sh"; do
  [ -e "$stage$f" ] || { echo "install: $f missing"; exit 1; }
done
grep -q "ExecStart=$prefix/bin/kiosk run" "$stage$prefix/lib/systemd/system/kiosk.service" || { echo "install: unit ExecStart wrong"; exit 1; }
grep -q "ExecStart=$prefix/bin/kiosk-console serve" "$stage$prefix/lib/systemd/system/kiosk-console.service" || { echo "install: console unit ExecStart wrong"; exit 1; }
grep -q "\"assets\": \"$prefix/share/kiosk-console/assets\"" "$stage/etc/kiosk-console/console.json" || { echo "install: console.json assets wrong"; exit 1; }
grep -q "file:$prefix/share/kiosk/demo/assets/samples/" "$stage/etc/kiosk/playlist.json" || { echo "install: playlist sources wrong"; exit 1; }
# The console's template is its own; the screens' demo does not carry it.
[ ! -e "$stage$prefix/share/kiosk/demo/config/console" ] || { echo "install: the demo carries the console's template"; exit 1; }
[ -x "$stage$prefix/share/kiosk/fleet-ca.sh" ] || { echo "install: fleet-ca.sh not executable"; exit 1; }
grep -q '"runtime": "/run/kiosk"' "$stage/etc/kiosk/kiosk.json" || { echo "install: kiosk.json does not name the service's folders"; exit 1; }
# The installed playlist names absolute demo paths: check it with the stage standing in for /.
sed "s|file:$prefix|file:$stage$prefix|g" "$stage/etc/kiosk/playlist.json" > "$stage/etc/kiosk/playlist.staged.json"
sed 's|"playlist": "playlist.json"|"playlist": "playlist.staged.json"|' "$stage/etc/kiosk/kiosk.json" > "$stage/etc/kiosk/kiosk.staged.json"
"$stage$prefix/bin/kiosk" check --config "$stage/etc/kiosk/kiosk.staged.json"
echo "install: ok ($prefix)"
