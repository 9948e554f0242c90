#!/usr/bin/env bash
# The fleet's certificates, made with openssl (EC P-256):
#   scripts/fleet-ca.sh DIR init              DIR/ca.pem and DIR/ca.key (keep ca.key offline)
#   scripts/fleet-ca.sh DIR server HOST       DIR/server.pem, DIR/server.key for the broker at HOST
#   scripts/fleet-ca.sh DIR client NAME       DIR/NAME.pem, DIR/NAME.key: a screen (NAME = its
#                                              fleet.screen_id) or the office (NAME = office)
#   scripts/fleet-ca.sh DIR hall NAME HOST    DIR/NAME.pem, DIR/NAME.key: a hall's broker bridged to
#                                              the city's: its listener's certificate for HOST and,
#                                              the same file, its bridge's client certificate (CN
#                                              NAME, its user name in the city broker's ACL)
# The broker takes each client certificate's CN as its user name, and the ACL lets a screen
# write only under kiosk/v1/screen/NAME/. Certificates are valid for ten years.
set -euo pipefail
dir=${1:?usage: fleet-ca.sh DIR init|server HOST|client NAME|hall NAME HOST}
what=${2:?usage: fleet-ca.sh DIR init|server HOST|client NAME|hall NAME HOST}
mkdir -p "$dir"
umask 077
case "$what" in
  init)
    [ -e "$dir/ca.key" ] && { echo "fleet-ca: $dir/ca.key exists; not overwritten" >&2; exit 1; }
    openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key"
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=kiosk fleet CA" -out "$dir/ca.pem" 2>/dev/null
    chmod 644 "$dir/ca.pem"
    ;;
  server|client|hall)
    name=${3:?usage: fleet-ca.sh DIR $what NAME}
    case "$name" in *[!A-Za-z0-9._-]*) echo "fleet-ca: \"$name\": letters, digits, - _ . only" >&2; exit 2;; esac
    host=$name
    if [ "$what" = hall ]; then
      host=${4:?usage: fleet-ca.sh DIR hall NAME HOST}
      case "$host" in *[!A-Za-z0-9.-]*) echo "fleet-ca: \"$host\": a host name or an IP address" >&2; exit 2;; esac
    fi
    base="$dir/$name"
    [ "$what" = server ] && base="$dir/server"
    openssl ecparam -name prime256v1 -genkey -noout -out "$base.key"
    openssl req -new -key "$base.key" -subj "/CN=$name" -out "$base.csr" 2>/dev/null
    ext="$base.ext"
    if [ "$what" != client ]; then
      case "$host" in
        *[!0-9.]*) echo "subjectAltName=DNS:$host" > "$ext" ;;
        *) echo "subjectAltName=IP:$host" > "$ext" ;;
      esac
      # A hall's broker is a server to its screens and a client of the city's broker.
      if [ "$what" = hall ]; then echo "extendedKeyUsage=serverAuth,clientAuth" >> "$ext"
      else echo "extendedKeyUsage=serverAuth" >> "$ext"; fi
    else
      echo "extendedKeyUsage=clientAuth" > "$ext"
    fi
    # A random 128-bit serial (no ca.srl shared between runs: enrolments may run in parallel).
    openssl x509 -req -in "$base.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -set_serial "0x$(openssl rand -hex 16)" -days 3650 -sha256 \
      -extfile "$ext" -out "$base.pem" 2>/dev/null
    rm -f "$base.csr" "$ext"
    chmod 644 "$base.pem"
    ;;
  *) echo "fleet-ca: unknown step \"$what\" (init, server, client, hall)" >&2; exit 2 ;;
esac
