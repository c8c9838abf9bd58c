#!/usr/bin/env bash
# A throwaway SMTP server (Debian's OpenSMTPD) on loopback for the mail integration tests: it
# accepts mail for any address and delivers every message to one Maildir, where the tests read it.
#
#   scripts/smtp.sh install   apt-get install opensmtpd when it is missing (root)
#   scripts/smtp.sh start     fresh config in a temp dir, start OpenSMTPD on 127.0.0.1:$PORT, write the env file
#   scripts/smtp.sh stop      stop it and delete its temp dir (and the Maildir)
#   scripts/smtp.sh status    exit 0 if it runs, 3 if not
#
# Environment:
#   STOCKTAKE_SMTP_PORT   port to listen on (default: a free one, chosen at start)
#   STOCKTAKE_SMTP_ENV    env file written by start (default <repo>/.tmp/smtp.env)
#
# OpenSMTPD must start as root (it drops privileges to its own users and delivers as `nobody`), and
# it keeps its queue in /var/spool/smtpd and its control socket in /run: one instance per machine,
# so the package's own daemon is stopped after install.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
ENV_FILE="${STOCKTAKE_SMTP_ENV:-$REPO_ROOT/.tmp/smtp.env}"
SMTPD="${STOCKTAKE_SMTPD:-/usr/sbin/smtpd}"
DELIVER_AS=nobody

log() { printf '[smtp.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

read_env() {
  SMTP_PORT="" SMTP_DIR=""
  [[ -f "$ENV_FILE" ]] || return 0
  SMTP_PORT="$(sed -n 's/^STOCKTAKE_SMTP_PORT=//p' "$ENV_FILE")"
  SMTP_DIR="$(sed -n 's/^STOCKTAKE_SMTP_DIR=//p' "$ENV_FILE")"
}

running() {
  [[ -n "$SMTP_DIR" && -f "$SMTP_DIR/smtpd.pid" ]] && kill -0 "$(cat "$SMTP_DIR/smtpd.pid")" 2>/dev/null
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

install() {
  [[ -x "$SMTPD" ]] && return 0
  [[ "$(id -u)" == 0 ]] || die "OpenSMTPD is missing and installing it needs root (apt-get install opensmtpd)"
  export DEBIAN_FRONTEND=noninteractive
  # The package asks for the mail name; answer before it asks.
  echo "opensmtpd opensmtpd/mailname string stocktake.test" | debconf-set-selections 2>/dev/null || true
  apt-get install -y -qq opensmtpd >/dev/null || { apt-get update -qq && apt-get install -y -qq opensmtpd >/dev/null; }
  if command -v service >/dev/null; then service opensmtpd stop >/dev/null 2>&1 || true; fi
}

start() {
  [[ -x "$SMTPD" ]] || die "OpenSMTPD is not installed: run scripts/smtp.sh install"
  [[ "$(id -u)" == 0 ]] || die "OpenSMTPD starts as root (it drops privileges itself)"
  read_env
  if running; then log "already running on port $SMTP_PORT"; return 0; fi
  local port="${STOCKTAKE_SMTP_PORT:-}"
  [[ -n "$port" ]] || port="$(free_port)"
  local dir
  dir="$(mktemp -d "${TMPDIR:-/tmp}/stocktake-smtp.XXXXXX")"
  chmod 755 "$dir"
  mkdir -p "$dir/Maildir/new" "$dir/Maildir/cur" "$dir/Maildir/tmp"
  chown -R "$DELIVER_AS" "$dir/Maildir"
  # Every recipient, whatever its domain, is delivered to the one Maildir as `nobody`.
  cat >"$dir/smtpd.conf" <<CONF
table everyone { "@" = "$DELIVER_AS" }
listen on 127.0.0.1 port $port
action "maildir" maildir "$dir/Maildir" virtual <everyone> user $DELIVER_AS
match from any for any action "maildir"
CONF
  chmod 644 "$dir/smtpd.conf"
  "$SMTPD" -n -f "$dir/smtpd.conf" >"$dir/configtest.log" 2>&1 || { cat "$dir/configtest.log" >&2; die "OpenSMTPD refused its config"; }
  # -d: stay in the foreground (we keep its pid).
  nohup "$SMTPD" -d -f "$dir/smtpd.conf" >"$dir/smtpd.log" 2>&1 &
  echo $! >"$dir/smtpd.pid"
  local i
  for i in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      mkdir -p "$(dirname "$ENV_FILE")"
      printf 'STOCKTAKE_SMTP_HOST=127.0.0.1\nSTOCKTAKE_SMTP_PORT=%s\nSTOCKTAKE_SMTP_MAILDIR=%s\nSTOCKTAKE_SMTP_DIR=%s\n' "$port" "$dir/Maildir" "$dir" >"$ENV_FILE"
      log "OpenSMTPD listening on 127.0.0.1:$port, delivering to $dir/Maildir (env: $ENV_FILE)"
      return 0
    fi
    kill -0 "$(cat "$dir/smtpd.pid")" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/smtpd.log" >&2 || true
  die "OpenSMTPD did not listen on 127.0.0.1:$port"
}

stop() {
  read_env
  if running; then
    local pid
    pid="$(cat "$SMTP_DIR/smtpd.pid")"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  [[ -n "$SMTP_DIR" && "$SMTP_DIR" == */stocktake-smtp.* ]] && rm -rf "$SMTP_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) read_env; running && { echo "running on 127.0.0.1:$SMTP_PORT"; exit 0; } || { echo "not running"; exit 3; } ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
