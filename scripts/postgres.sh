#!/usr/bin/env bash
# Provision a throwaway PostgreSQL cluster on loopback for the PostgreSQL store's integration tests.
#
#   scripts/postgres.sh install   install Debian's postgresql package when its binaries are missing
#   scripts/postgres.sh start     initdb a fresh cluster in a temp dir, start it on 127.0.0.1:$PORT, write the env file
#   scripts/postgres.sh stop      stop the cluster and delete its throwaway data
#   scripts/postgres.sh status    print whether it runs (exit 0 if running, 3 if not)
#   scripts/postgres.sh down      stop the server, keeping its data (a restart: tests of a database going away)
#   scripts/postgres.sh up        start it again after down, same data and port
#
# Environment:
#   STOCKTAKE_POSTGRES_PORT   port on 127.0.0.1       (default: a free one, picked at start)
#   STOCKTAKE_POSTGRES_ENV    env file written by start (default <repo>/.tmp/postgres.env)
#   STOCKTAKE_POSTGRES_USER   system user that owns the cluster when run as root (default postgres)
#   STOCKTAKE_POSTGRES_STATE  where the running cluster is recorded (default <repo>/.tmp/postgres.state):
#                             a second, throwaway cluster (a test that restarts one) needs its own
#
# The env file holds DATABASE_URL and STOCKTAKE_TEST_DATABASE_URL (the same URL). initdb refuses to
# run as root, so as root the cluster belongs to STOCKTAKE_POSTGRES_USER; otherwise to the caller.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"

ENV_FILE="${STOCKTAKE_POSTGRES_ENV:-$REPO_ROOT/.tmp/postgres.env}"
STATE_FILE="${STOCKTAKE_POSTGRES_STATE:-$REPO_ROOT/.tmp/postgres.state}"   # where the running cluster lives: DATA= and PORT=
LOCK_FILE="${STOCKTAKE_POSTGRES_STATE:+$STOCKTAKE_POSTGRES_STATE.lock}"
LOCK_FILE="${LOCK_FILE:-$REPO_ROOT/.tmp/postgres.lock}"
RUN_AS="${STOCKTAKE_POSTGRES_USER:-postgres}"
DB_USER="stocktake"
DB_NAME="stocktake"

log() { printf '[postgres.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

with_lock() {
  # Serialise start/stop between concurrent callers (two test runners in one checkout).
  mkdir -p "$(dirname "$LOCK_FILE")"
  exec 9>"$LOCK_FILE"
  flock 9
}

bin_dir() {
  # The newest installed major version's binaries (Debian keeps them off PATH).
  local dir
  dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || return 1
  printf '%s' "$dir"
}

as_owner() {
  # Runs a PostgreSQL binary as the cluster's owner. 9>&-: the server must not inherit the lock.
  if [[ "$(id -u)" == 0 ]]; then
    runuser -u "$RUN_AS" -- "$@" 9>&-
  else
    "$@" 9>&-
  fi
}

free_port() {
  node -e 'const s=require("node:net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

random_token() {
  local out=""
  while ((${#out} < $1)); do
    out+="$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${out:0:$1}"
}

read_state() {
  DATA=""
  PORT=""
  [[ -f "$STATE_FILE" ]] || return 1
  DATA="$(sed -n 's/^DATA=//p' "$STATE_FILE")"
  PORT="$(sed -n 's/^PORT=//p' "$STATE_FILE")"
  [[ -n "$DATA" && -n "$PORT" && -d "$DATA/cluster" ]]
}

is_running() {
  local bin
  bin="$(bin_dir)" || return 1
  read_state || return 1
  as_owner "$bin/pg_ctl" -D "$DATA/cluster" status >/dev/null 2>&1
}

cmd_install() {
  if bin_dir >/dev/null; then
    log "PostgreSQL binaries in $(bin_dir)"
    return 0
  fi
  [[ "$(id -u)" == 0 ]] || die "PostgreSQL is not installed and installing it needs root (apt-get install postgresql)"
  log "installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq postgresql >/dev/null || { apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; }
  bin_dir >/dev/null || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/initdb appeared"
  log "installed PostgreSQL binaries in $(bin_dir)"
}

start_server() {
  as_owner "$1/pg_ctl" -D "$DATA/cluster" -l "$DATA/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories=$DATA/socket -c max_connections=200" \
    start >/dev/null || { tail -n 30 "$DATA/server.log" >&2; die "the server did not start"; }
}

cmd_down() {
  with_lock
  local bin
  bin="$(bin_dir)" && read_state || die "no cluster recorded in $STATE_FILE"
  as_owner "$bin/pg_ctl" -D "$DATA/cluster" -m fast -w stop >/dev/null
  log "stopped PostgreSQL on 127.0.0.1:$PORT, data kept (up starts it again)"
}

cmd_up() {
  with_lock
  local bin
  bin="$(bin_dir)" && read_state || die "no cluster recorded in $STATE_FILE"
  start_server "$bin"
  log "PostgreSQL up again on 127.0.0.1:$PORT"
}

cmd_start() {
  bin_dir >/dev/null || cmd_install
  local bin
  bin="$(bin_dir)"
  with_lock
  if is_running; then
    log "already running on 127.0.0.1:$PORT (data $DATA); env file $ENV_FILE"
    return 0
  fi
  if [[ "$(id -u)" == 0 ]] && ! id -u "$RUN_AS" >/dev/null 2>&1; then
    log "creating system user $RUN_AS to own the cluster"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_AS"
  fi
  [[ -n "$DATA" && -d "$DATA" ]] && rm -rf "$DATA"

  PORT="${STOCKTAKE_POSTGRES_PORT:-$(free_port)}"
  [[ "$PORT" =~ ^[0-9]+$ ]] || die "STOCKTAKE_POSTGRES_PORT must be a number, got '$PORT'"
  DATA="$(mktemp -d /tmp/stocktake-postgres.XXXXXX)"
  chmod 0755 "$DATA"
  mkdir -p "$DATA/socket"
  local password
  password="$(random_token 32)"
  printf '%s\n' "$password" >"$DATA/pwfile"
  [[ "$(id -u)" == 0 ]] && chown -R "$RUN_AS" "$DATA"
  chmod 0600 "$DATA/pwfile"

  local t0=$SECONDS
  as_owner "$bin/initdb" -D "$DATA/cluster" -U "$DB_USER" --pwfile="$DATA/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$DATA/initdb.log" 2>&1 \
    || { tail -n 30 "$DATA/initdb.log" >&2; die "initdb failed"; }
  rm -f "$DATA/pwfile"
  # Loopback only; the socket in the temp dir, not /var/run/postgresql (which may not exist).
  start_server "$bin"
  mkdir -p "$(dirname "$STATE_FILE")"
  printf 'DATA=%s\nPORT=%s\n' "$DATA" "$PORT" >"$STATE_FILE"

  PGPASSWORD="$password" "$bin/psql" -q -h 127.0.0.1 -p "$PORT" -U "$DB_USER" -d postgres \
    -c "CREATE DATABASE $DB_NAME" >/dev/null || die "could not create database $DB_NAME"

  local url="postgres://$DB_USER:$password@127.0.0.1:$PORT/$DB_NAME"
  mkdir -p "$(dirname "$ENV_FILE")"
  local tmp="$ENV_FILE.tmp.$$"
  (umask 077 && printf 'DATABASE_URL=%s\nSTOCKTAKE_TEST_DATABASE_URL=%s\n' "$url" "$url" >"$tmp")
  mv -f "$tmp" "$ENV_FILE"
  log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') running on 127.0.0.1:$PORT in $((SECONDS - t0)) s"
  log "env file: $ENV_FILE; data and log: $DATA"
}

cmd_stop() {
  with_lock
  local bin
  if bin="$(bin_dir)" && read_state; then
    if as_owner "$bin/pg_ctl" -D "$DATA/cluster" status >/dev/null 2>&1; then
      as_owner "$bin/pg_ctl" -D "$DATA/cluster" -m fast -w stop >/dev/null
      log "stopped PostgreSQL on 127.0.0.1:$PORT"
    else
      log "PostgreSQL is not running"
    fi
    # Keep the last log for post-mortems (.tmp/ is git-ignored), then drop the throwaway data.
    cp -f "$DATA/server.log" "$(dirname "$STATE_FILE")/postgres-$PORT.log" 2>/dev/null || true
    [[ "$DATA" == /tmp/stocktake-postgres.* ]] && rm -rf "$DATA"
  else
    log "PostgreSQL is not running"
  fi
  rm -f "$STATE_FILE" "$ENV_FILE"
}

cmd_status() {
  if is_running; then
    echo "running on 127.0.0.1:$PORT (data $DATA)"
    return 0
  fi
  if bin_dir >/dev/null; then
    echo "not running ($(bin_dir) installed)"
  else
    echo "not running (PostgreSQL not installed)"
  fi
  return 3
}

usage() {
  sed -n '2,19p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  down) cmd_down ;;
  up) cmd_up ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
