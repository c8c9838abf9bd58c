#!/usr/bin/env bash
# A throwaway IRC server (Debian's ngIRCd) on loopback for the IRC integration tests.
#
#   scripts/ircd.sh install   apt-get install ngircd when it is missing (root)
#   scripts/ircd.sh start     fresh config in a temp dir, start ngIRCd on 127.0.0.1:$PORT, write the env file
#   scripts/ircd.sh stop      stop it and delete its temp dir
#   scripts/ircd.sh restart   stop it and start it again on the same port (a server restart)
#   scripts/ircd.sh status    exit 0 if it runs, 3 if not
#
# Environment:
#   STOCKTAKE_IRCD_PORT   port to listen on (default: a free one, chosen at start and kept by restart)
#   STOCKTAKE_IRCD_ENV    env file written by start (default <repo>/.tmp/ircd.env)
#
# ngIRCd has no services: nobody can log in to an account, so the tests cover unregistered people
# only. Accounts (SASL, account-tag) need InspIRCd with Atheme.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
ENV_FILE="${STOCKTAKE_IRCD_ENV:-$REPO_ROOT/.tmp/ircd.env}"
NGIRCD="${STOCKTAKE_NGIRCD:-/usr/sbin/ngircd}"

log() { printf '[ircd.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# What the last start wrote: the port and the temp dir, so stop and restart find them.
read_env() {
  IRC_PORT="" IRC_DIR=""
  [[ -f "$ENV_FILE" ]] || return 0
  IRC_PORT="$(sed -n 's/^STOCKTAKE_IRCD_PORT=//p' "$ENV_FILE")"
  IRC_DIR="$(sed -n 's/^STOCKTAKE_IRCD_DIR=//p' "$ENV_FILE")"
}

running() {
  [[ -n "$IRC_DIR" && -f "$IRC_DIR/ngircd.pid" ]] && kill -0 "$(cat "$IRC_DIR/ngircd.pid")" 2>/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

install() {
  [[ -x "$NGIRCD" ]] && return 0
  [[ "$(id -u)" == 0 ]] || die "ngIRCd is missing and installing it needs root (apt-get install ngircd)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq ngircd >/dev/null || { apt-get update -qq && apt-get install -y -qq ngircd >/dev/null; }
  # The package starts a system-wide daemon on 6667 where it can; the tests run their own.
  if command -v service >/dev/null; then service ngircd stop >/dev/null 2>&1 || true; fi
}

write_config() {
  local dir="$1" port="$2"
  : >"$dir/motd"
  cat >"$dir/ngircd.conf" <<CONF
[Global]
	Name = irc.stocktake.test
	Info = Stocktake test network
	Network = StocktakeTest
	Listen = 127.0.0.1
	Ports = $port
	MotdFile = $dir/motd
	PidFile = $dir/ngircd.pid
	ServerUID = $(id -u)
	ServerGID = $(id -g)
[Limits]
	# Every test client comes from 127.0.0.1.
	MaxConnectionsIP = 0
	MaxJoins = 0
	PingTimeout = 120
	PongTimeout = 20
	ConnectRetry = 60
[Options]
	DNS = no
	Ident = no
	PAM = no
CONF
}

start() {
  [[ -x "$NGIRCD" ]] || die "ngIRCd is not installed: run scripts/ircd.sh install"
  read_env
  if running; then log "already running on port $IRC_PORT"; return 0; fi
  local port="${STOCKTAKE_IRCD_PORT:-${1:-}}"
  [[ -n "$port" ]] || port="$(free_port)"
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/stocktake-ircd.XXXXXX")"
  write_config "$dir" "$port"
  "$NGIRCD" --configtest -f "$dir/ngircd.conf" >"$dir/configtest.log" 2>&1 || { cat "$dir/configtest.log" >&2; die "ngIRCd refused its config"; }
  # -n: stay in the foreground (we keep its pid); it still writes its pid file.
  nohup "$NGIRCD" -n -f "$dir/ngircd.conf" >"$dir/ngircd.log" 2>&1 &
  echo $! >"$dir/ngircd.pid"
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      mkdir -p "$(dirname "$ENV_FILE")"
      printf 'STOCKTAKE_IRCD_HOST=127.0.0.1\nSTOCKTAKE_IRCD_PORT=%s\nSTOCKTAKE_IRCD_DIR=%s\n' "$port" "$dir" >"$ENV_FILE"
      log "ngIRCd listening on 127.0.0.1:$port (env: $ENV_FILE)"
      return 0
    fi
    sleep 0.1
  done
  cat "$dir/ngircd.log" >&2 || true
  die "ngIRCd did not listen on 127.0.0.1:$port"
}

stop() {
  read_env
  if running; then
    local pid
    pid="$(cat "$IRC_DIR/ngircd.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  [[ -n "$IRC_DIR" && "$IRC_DIR" == */stocktake-ircd.* ]] && rm -rf "$IRC_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  restart) read_env; port="$IRC_PORT"; stop; start "$port" ;;
  status) read_env; running && { echo "running on 127.0.0.1:$IRC_PORT"; exit 0; } || { echo "not running"; exit 3; } ;;
  *) echo "usage: $0 install|start|stop|restart|status" >&2; exit 2 ;;
esac
