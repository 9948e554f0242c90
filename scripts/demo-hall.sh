#!/usr/bin/env bash
# `scripts/demo.sh --hall [--build DIR] [--port N]`: a whole hall on this machine, as a
# clerk sees it. A local Mosquitto with fresh certificates (TLS client certificates, the
# fleet's ACL), two headless screens showing the bundled demo report (hall-1f: landscape
# 1920x1080 in group floor/1; hall-2f: portrait 1080x1920 in group floor/2) and
# kiosk-console with an admin account "demo" and a generated password. It prints the
# console's address and the password; Ctrl-C stops every process it started and removes its
# folder.
#   --build DIR   use the kiosk and kiosk-console already built in DIR (nothing installed
#                 or built); without it, installs what is missing and builds build/
#   --port N      the console's port on 127.0.0.1 (default 8080)
set -euo pipefail
cd "$(dirname "$0")/.."
source_dir=$(pwd)
build=""
port=8080
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=${2:?--build DIR}; shift 2 ;;
    --port) port=${2:?--port N}; shift 2 ;;
    *) echo "usage: scripts/demo.sh --hall [--build DIR] [--port N]" >&2; exit 2 ;;
  esac
done
if [ -z "$build" ]; then
  scripts/install-deps.sh --hall   # build and run packages, the broker and openssl
  scripts/build.sh --demo
  build=build
fi
build=$(cd "$build" && pwd)
for f in "$build/kiosk" "$build/kiosk-console" /usr/sbin/mosquitto; do
  [ -x "$f" ] || { echo "demo: $f is missing (build first, or install mosquitto)" >&2; exit 1; }
done

dir=$(mktemp -d /tmp/kiosk-hall.XXXXXX)
pids=()
stopping=0
stop_all() {
  [ "$stopping" = 1 ] && return
  stopping=1
  trap '' INT TERM
  # The console and the screens first, then the broker they talk to; each gets ten seconds.
  local i pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill -TERM "${pids[i]}" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap 'stop_all; echo; echo "demo: stopped"; exit 0' INT TERM
trap stop_all EXIT

# Prints nothing of the keys: they live in $dir, which goes when the demo stops.
ca() { scripts/fleet-ca.sh "$dir/ca" "$@" >/dev/null; }
ca init
ca server 127.0.0.1
for name in office hall-1f hall-2f; do ca client "$name"; done

free_port() {  # a port on 127.0.0.1 that nothing listens on
  local p
  for _ in $(seq 50); do
    p=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
  echo "demo: no free port" >&2
  exit 1
}
wait_listen() {  # port, pid, what
  for _ in $(seq 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "demo: $3 stopped; its log:" >&2; tail -20 "$dir/$3.log" >&2; exit 1; }
    sleep 0.1
  done
  echo "demo: $3 does not listen on port $1" >&2
  exit 1
}
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "demo: port $port is in use; give another with --port N" >&2
  exit 1
fi

broker_port=$(free_port)
cat >"$dir/mosquitto.conf" <<EOF
per_listener_settings false
allow_anonymous false
user $(id -un)
acl_file $source_dir/config/fleet/acl
log_dest file $dir/mosquitto.log
listener $broker_port 127.0.0.1
cafile $dir/ca/ca.pem
certfile $dir/ca/server.pem
keyfile $dir/ca/server.key
require_certificate true
use_identity_as_username true
tls_version tlsv1.2
EOF
/usr/sbin/mosquitto -c "$dir/mosquitto.conf" >>"$dir/mosquitto.log" 2>&1 &
pids+=($!)
wait_listen "$broker_port" "${pids[-1]}" mosquitto

# The office's signing key; screens trust its public half.
public_key=$("$build/kiosk" fleet keygen --out "$dir/office.key" --kid office-demo 2>/dev/null | sed -n 's/.*: "\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' | tail -1)
fleet() {  # name, groups (JSON), extra
  cat <<EOF
{"screen_id": "$1", "groups": $2, "host": "127.0.0.1", "port": $broker_port, "keepalive": 5,
 "ca_file": "$dir/ca/ca.pem", "cert_file": "$dir/ca/$1.pem", "key_file": "$dir/ca/$1.key",
 "trusted_keys": {"office-demo": "$public_key"}$3}
EOF
}
samples="$source_dir/assets/samples"
mkdir -p "$dir/office"
cat >"$dir/office/kiosk.json" <<EOF
{"version": 1, "hall_name": "长春市政务服务中心", "time_zone": "Asia/Shanghai",
 "network": {"allowed_hosts": ["www.changchun.gov.cn", "zwfw.changchun.gov.cn"]},
 "paths": {"runtime": "$dir/office/run", "state": "$dir/office/state", "cache": "$dir/office/cache"},
 "playlist": "playlist.json",
 "fleet": $(fleet office '[]' ", \"signing_key\": \"$dir/office.key\", \"signing_kid\": \"office-demo\"")}
EOF
echo '{"version": 1, "items": []}' >"$dir/office/playlist.json"

# Two screens, each with the bundled demo report as its own playlist until the console
# publishes one.
start_screen() {  # name, group, width, height
  local d="$dir/$1"
  mkdir -p "$d"
  cat >"$d/playlist.json" <<EOF
{"version": 1, "items": [
  {"id": "report", "title": "2019年政府信息公开工作年度报告", "kind": "report", "page_seconds": "auto",
   "source": "file:$samples/changchun-2019-xxgk-annual-report.txt"},
  {"id": "xxgk-guide", "title": "政府信息公开申请办理指南", "kind": "text", "page_seconds": "auto",
   "source": "file:$samples/xxgk-shenqing-zhinan.html"}]}
EOF
  cat >"$d/kiosk.json" <<EOF
{"version": 1, "hall_name": "长春市政务服务中心", "welcome": "欢迎光临，请到取号机取号",
 "time_zone": "Asia/Shanghai", "screen": {"width": $3, "height": $4},
 "network": {"allowed_hosts": ["www.changchun.gov.cn", "zwfw.changchun.gov.cn"]},
 "paths": {"runtime": "$d/run", "state": "$d/state", "cache": "$d/cache"},
 "playlist": "playlist.json", "fleet": $(fleet "$1" "[\"$2\"]" "")}
EOF
  SDL_VIDEODRIVER=dummy "$build/kiosk" run --config "$d/kiosk.json" --windowed="$3x$4" >>"$dir/$1.log" 2>&1 &
  pids+=($!)
}
start_screen hall-1f floor/1 1920 1080
start_screen hall-2f floor/2 1080 1920

cat >"$dir/console.json" <<EOF
{"listen": "127.0.0.1:$port", "database": "console/console.db", "office_config": "office/kiosk.json",
 "kiosk": "$build/kiosk", "assets": "$source_dir/assets/console",
 "preview_sizes": ["1920x1080", "1080x1920"]}
EOF
password=$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | head -c 12)
"$build/kiosk-console" adduser demo --role admin --config "$dir/console.json" >/dev/null <<<"$password"
"$build/kiosk-console" --config "$dir/console.json" >>"$dir/console.log" 2>&1 &
pids+=($!)
wait_listen "$port" "${pids[-1]}" console

cat <<EOF

  控制台 console:  http://127.0.0.1:$port/
  用户名 user:     demo
  密码 password:   $password

  两块屏幕 screens: hall-1f（1 楼，横屏 1920×1080），hall-2f（2 楼，竖屏 1080×1920）
  日志 logs:        $dir/*.log
  按 Ctrl-C 停止 (stops everything and removes $dir)

EOF
# Until Ctrl-C, or until the console stops by itself.
wait "${pids[-1]}" || true
echo "demo: the console stopped; its log:" >&2
tail -20 "$dir/console.log" >&2 || true
