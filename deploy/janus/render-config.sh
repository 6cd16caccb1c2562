#!/bin/sh
# Writes Janus's configuration with this deployment's secrets, then starts what follows `--` (Janus itself).
# usage: render-config.sh <templates dir> <output dir> -- janus …
# Reads RELAY_JANUS_API_SECRET and RELAY_JANUS_ADMIN_KEY (the relays hold the same) and JANUS_WS_IP, the private or
# loopback address the relays reach Janus's WebSocket API on (never every interface), and JANUS_WS_PORT (8188).
set -eu
templates=$1
out=$2
shift 2
[ "${1:-}" = "--" ] && shift

fail() {
  echo "janus: $1" >&2
  exit 1
}
api_secret=${RELAY_JANUS_API_SECRET:-}
admin_key=${RELAY_JANUS_ADMIN_KEY:-}
ws_ip=${JANUS_WS_IP:-127.0.0.1}
ws_port=${JANUS_WS_PORT:-8188}
[ ${#api_secret} -ge 16 ] || fail "set RELAY_JANUS_API_SECRET (16+ characters, the same as the relays')"
[ ${#admin_key} -ge 16 ] || fail "set RELAY_JANUS_ADMIN_KEY (16+ characters, the same as the relays')"
case "$api_secret$admin_key" in
  *[!A-Za-z0-9._~-]*) fail "RELAY_JANUS_API_SECRET and RELAY_JANUS_ADMIN_KEY: letters, digits and . _ ~ - only" ;;
esac
case "$ws_ip" in
  '' | 0.0.0.0 | '::' | '[::]') fail "JANUS_WS_IP must be the private address the relays reach, not every interface" ;;
  *[!0-9A-Fa-f.:]*) fail "JANUS_WS_IP must be an IP address" ;;
esac
case "$ws_port" in
  '' | *[!0-9]*) fail "JANUS_WS_PORT must be a port number" ;;
esac
modules=
for dir in /usr/lib/x86_64-linux-gnu/janus /usr/lib/aarch64-linux-gnu/janus /usr/lib/janus; do
  [ -f "$dir/plugins/libjanus_audiobridge.so" ] && modules=$dir && break
done
[ -n "$modules" ] || fail "Janus's plugins were not found (apt-get install janus)"

umask 077
mkdir -p "$out"
for file in janus.jcfg janus.plugin.audiobridge.jcfg janus.transport.websockets.jcfg; do
  sed -e "s|@CONF_DIR@|$out|g" -e "s|@MODULES@|$modules|g" -e "s|@API_SECRET@|$api_secret|g" \
    -e "s|@ADMIN_KEY@|$admin_key|g" -e "s|@WS_IP@|$ws_ip|g" \
    -e "s|@WS_PORT@|$ws_port|g" "$templates/$file" >"$out/$file"
done
[ $# -eq 0 ] || exec "$@"
