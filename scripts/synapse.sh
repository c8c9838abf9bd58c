#!/usr/bin/env bash
# Provision a throwaway Synapse homeserver on loopback for Matrix integration tests.
#
#   scripts/synapse.sh install   build (once) a Debian sid chroot with matrix-synapse, cached outside the repo
#   scripts/synapse.sh start     fresh config + data, start Synapse on 127.0.0.1:$PORT, write the env file
#   scripts/synapse.sh stop      stop Synapse and delete its throwaway data
#   scripts/synapse.sh restart   stop Synapse and start it again on the same data (a homeserver restart)
#   scripts/synapse.sh status    print whether it runs (exit 0 if running, 3 if not)
#
# Environment:
#   STOCKTAKE_SYNAPSE_ROOT           chroot location        (default /var/cache/stocktake/synapse-sid)
#   STOCKTAKE_SYNAPSE_PORT           client port             (default 8008)
#   STOCKTAKE_SYNAPSE_ENV            env file written by start (default <repo>/.tmp/synapse.env)
#   STOCKTAKE_SYNAPSE_START_TIMEOUT  seconds to wait for the server (default 60)
#   STOCKTAKE_SYNAPSE_MIRROR         Debian mirror for the chroot build (default: mmdebstrap's default)
#
# Must run as root (mmdebstrap and chroot need it).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"

ROOT="${STOCKTAKE_SYNAPSE_ROOT:-/var/cache/stocktake/synapse-sid}"
ROOT="${ROOT%/}"
PORT="${STOCKTAKE_SYNAPSE_PORT:-8008}"
ENV_FILE="${STOCKTAKE_SYNAPSE_ENV:-$REPO_ROOT/.tmp/synapse.env}"
START_TIMEOUT="${STOCKTAKE_SYNAPSE_START_TIMEOUT:-60}"
SERVER_NAME="localhost"
BASE_URL="http://127.0.0.1:$PORT"

MARKER_NAME=".stocktake-synapse-version"   # written last into a finished chroot
DATA_IN_CHROOT="/srv/stocktake-$PORT"       # throwaway config + data, path as seen inside the chroot
DATA="$ROOT$DATA_IN_CHROOT"                 # same directory, path as seen from the host
PID_FILE="$DATA/synapse.pid"
LOG_FILE="$DATA/homeserver.log"
LOCK_FILE="$(dirname "$ROOT")/.$(basename "$ROOT").lock"

log() { printf '[synapse.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$PORT" =~ ^[0-9]+$ ]] || die "STOCKTAKE_SYNAPSE_PORT must be a number, got '$PORT'"

need_root() {
  [[ "$(id -u)" == 0 ]] || die "must run as root (mmdebstrap and chroot need it)"
}

with_lock() {
  # Serialise install/start/stop between concurrent callers (e.g. two test runners).
  mkdir -p "$(dirname "$LOCK_FILE")"
  exec 9>"$LOCK_FILE"
  flock 9
}

is_installed() {
  [[ -s "$ROOT/$MARKER_NAME" && -x "$ROOT/usr/bin/python3" ]]
}

BUILD_TMP=""
MMDEBSTRAP_PID=""

safe_rm_tree() {
  # rm -rf that never reaches into a mount: a killed mmdebstrap (root mode) can leave /dev nodes,
  # /proc or /sys of the HOST mounted inside its half-built chroot. Unmount those, deepest first.
  local dir="$1" mp
  [[ -e "$dir" ]] || return 0
  dir="$(cd "$dir" && pwd -P)"
  awk '{print $5}' /proc/self/mountinfo | sed 's/\\040/ /g' | { grep -F "$dir/" || true; } | sort -r |
    while IFS= read -r mp; do
      [[ "$mp" == "$dir"/* ]] && { umount "$mp" 2>/dev/null || umount -l "$mp" || true; }
    done
  rm -rf --one-file-system "$dir"
}

cleanup_build() {
  if [[ -n "$MMDEBSTRAP_PID" ]] && kill -0 "$MMDEBSTRAP_PID" 2>/dev/null; then
    log "stopping mmdebstrap (pid $MMDEBSTRAP_PID)"
    kill -TERM "$MMDEBSTRAP_PID" 2>/dev/null || true
    wait "$MMDEBSTRAP_PID" 2>/dev/null || true
  fi
  MMDEBSTRAP_PID=""
  if [[ -n "$BUILD_TMP" ]]; then
    safe_rm_tree "$BUILD_TMP"
    BUILD_TMP=""
  fi
}

cmd_install() {
  need_root
  if is_installed; then
    log "cached chroot at $ROOT (matrix-synapse $(cat "$ROOT/$MARKER_NAME"))"
    return 0
  fi
  with_lock
  if is_installed; then   # someone else built it while we waited for the lock
    log "cached chroot at $ROOT (matrix-synapse $(cat "$ROOT/$MARKER_NAME"))"
    return 0
  fi
  if [[ -e "$ROOT" ]]; then
    die "$ROOT exists but is not a finished chroot (no $MARKER_NAME); remove it and rerun install"
  fi

  if ! command -v mmdebstrap >/dev/null 2>&1; then
    log "installing mmdebstrap with apt"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
  fi

  local parent
  parent="$(dirname "$ROOT")"
  mkdir -p "$parent"
  # Leftovers of interrupted builds never look valid (no marker, other name): just delete them.
  local old
  for old in "$ROOT".tmp.*; do
    [[ -e "$old" ]] && safe_rm_tree "$old"
  done
  BUILD_TMP="$(mktemp -d "$ROOT.tmp.XXXXXX")"
  chmod 0755 "$BUILD_TMP"   # let apt download as _apt (sandboxed)
  trap cleanup_build EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM

  log "building Debian sid chroot with matrix-synapse into $BUILD_TMP (takes ~1-2 minutes)"
  local start=$SECONDS
  local mirror=()
  [[ -n "${STOCKTAKE_SYNAPSE_MIRROR:-}" ]] && mirror=("$STOCKTAKE_SYNAPSE_MIRROR")
  # In the background + wait, so a signal to this script reaches the trap at once and
  # cleanup_build can stop mmdebstrap (which then undoes its mounts) before deleting.
  mmdebstrap --variant=apt \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --aptopt='APT::Install-Recommends "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --include=matrix-synapse \
    sid "$BUILD_TMP/root" "${mirror[@]}" 9>&- &
  MMDEBSTRAP_PID=$!
  wait "$MMDEBSTRAP_PID"
  MMDEBSTRAP_PID=""

  local version
  version="$(chroot "$BUILD_TMP/root" python3 -c 'import synapse; print(synapse.__version__)')" \
    || die "synapse does not import inside the new chroot"
  printf '%s\n' "$version" >"$BUILD_TMP/root/$MARKER_NAME"
  mv -T "$BUILD_TMP/root" "$ROOT"     # atomic: the cache path only ever holds a finished chroot
  cleanup_build
  trap - EXIT INT TERM
  log "built $ROOT with matrix-synapse $version in $((SECONDS - start)) s"
}

# --- process helpers ------------------------------------------------------------------------

read_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE" 2>/dev/null)" || return 1
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

pid_is_synapse() {
  # Guard against a recycled pid: the process must be our homeserver with our config.
  local pid="$1"
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "synapse.app.homeserver -c $DATA_IN_CHROOT/homeserver.yaml"
}

running_pid() {
  local pid
  pid="$(read_pid)" || return 1
  pid_is_synapse "$pid" || return 1
  printf '%s' "$pid"
}

http_ok() {
  # 0 if GET $1 answers 2xx.
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
  else
    node -e 'fetch(process.argv[1],{signal:AbortSignal.timeout(2000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "$1"
  fi
}

random_token() {
  # $1 alphanumeric characters from the kernel's CSPRNG.
  local out=""
  while ((${#out} < $1)); do
    out+="$(head -c 64 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9')"
  done
  printf '%s' "${out:0:$1}"
}

write_env_file() {
  local secret
  secret="$(cat "$DATA/registration_secret")"
  mkdir -p "$(dirname "$ENV_FILE")"
  local tmp="$ENV_FILE.tmp.$$"
  cat >"$tmp" <<EOF
MATRIX_HOMESERVER_URL=$BASE_URL
MATRIX_SERVER_NAME=$SERVER_NAME
MATRIX_REGISTRATION_SECRET=$secret
EOF
  mv -f "$tmp" "$ENV_FILE"
}

write_config() {
  local secret="$1"
  # Signing key in signedjson's format: "ed25519 <key id> <unpadded base64 of a 32-byte seed>".
  printf 'ed25519 a_%s %s\n' "$(random_token 4)" \
    "$(head -c 32 /dev/urandom | base64 -w0 | tr -d '=')" >"$DATA/signing.key"
  printf '%s\n' "$secret" >"$DATA/registration_secret"

  # A rate limit that never bites: 1e6 actions/s with a burst of 1e6.
  local hi='{per_second: 1000000, burst_count: 1000000}'
  cat >"$DATA/homeserver.yaml" <<EOF
# Throwaway homeserver for Stocktake's integration tests. Generated by scripts/synapse.sh.
server_name: "$SERVER_NAME"
public_baseurl: "$BASE_URL/"
signing_key_path: "$DATA_IN_CHROOT/signing.key"
media_store_path: "$DATA_IN_CHROOT/media"
report_stats: false
enable_metrics: false
listeners:
  - port: $PORT
    bind_addresses: ["127.0.0.1"]
    type: http
    tls: false
    x_forwarded: false
    resources:
      - names: [client]
        compress: false
database:
  name: sqlite3
  args:
    database: "$DATA_IN_CHROOT/homeserver.db"
registration_shared_secret: "$secret"
macaroon_secret_key: "$(random_token 48)"
form_secret: "$(random_token 48)"
enable_registration: false
trusted_key_servers: []
suppress_key_server_warning: true
federation_domain_whitelist: []
url_preview_enabled: false
presence:
  enabled: false
# Tests drive the rate limiter themselves through the admin override_ratelimit API;
# everything configured here is effectively unlimited.
rc_message: $hi
rc_registration: $hi
rc_registration_token_validity: $hi
rc_login:
  address: $hi
  account: $hi
  failed_attempts: $hi
rc_admin_redaction: $hi
rc_joins:
  local: $hi
  remote: $hi
rc_joins_per_room: $hi
rc_3pid_validation: $hi
rc_invites:
  per_room: $hi
  per_user: $hi
  per_issuer: $hi
rc_third_party_invite: $hi
rc_media_create: $hi
rc_room_creation: $hi
rc_reports: $hi
rc_delayed_event_mgmt: $hi
rc_key_requests: $hi
rc_user_directory: $hi
rc_presence:
  per_user: $hi
rc_federation:
  window_size: 1000
  sleep_limit: 1000000
  sleep_delay: 0
  reject_limit: 1000000
  concurrent: 1000000
EOF
}

# --- subcommands ----------------------------------------------------------------------------

cmd_start() {
  need_root
  is_installed || cmd_install
  with_lock

  local pid
  if pid="$(running_pid)"; then
    write_env_file
    log "already running (pid $pid) at $BASE_URL; env file $ENV_FILE"
    return 0
  fi
  if http_ok "$BASE_URL/_matrix/client/versions"; then
    die "something else already answers on $BASE_URL; pick another STOCKTAKE_SYNAPSE_PORT"
  fi

  rm -rf "$DATA"
  mkdir -p "$DATA/media"
  write_config "$(random_token 40)"
  launch
}

launch() {
  # Starts Synapse on the config and data in $DATA and waits until it answers. Caller holds the lock.
  local t0 pid
  t0="$(date +%s.%N)"
  # setsid: own session, so the caller's Ctrl-C or process-group kill does not reach it;
  # stdin/stdout/stderr detached, so $(synapse.sh start) in a test runner does not hang.
  # setsid and chroot both exec, so $! is the python process itself.
  # 9>&-: the lock fd must not leak into Synapse, or it would hold the lock for its whole life.
  setsid chroot "$ROOT" python3 -m synapse.app.homeserver -c "$DATA_IN_CHROOT/homeserver.yaml" \
    </dev/null >>"$LOG_FILE" 2>&1 9>&- &
  pid=$!
  printf '%s\n' "$pid" >"$PID_FILE"

  local deadline=$((SECONDS + START_TIMEOUT))
  until http_ok "$BASE_URL/_matrix/client/versions"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "Synapse exited during startup; last lines of $LOG_FILE:"
      tail -n 60 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "Synapse did not answer $BASE_URL/_matrix/client/versions within ${START_TIMEOUT}s; last lines of $LOG_FILE:"
      tail -n 60 "$LOG_FILE" >&2 || true
      kill -KILL "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
      rm -f "$PID_FILE"
      exit 1
    fi
    sleep 0.1
  done

  write_env_file
  log "Synapse $(cat "$ROOT/$MARKER_NAME") running (pid $pid) at $BASE_URL in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}') s"
  log "env file: $ENV_FILE; log: $LOG_FILE"
}

stop_process() {
  # Stops the running Synapse, if any; keeps its data. Caller holds the lock.
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do     # up to 10 s for a clean shutdown
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "Synapse (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    log "stopped Synapse (pid $pid)"
  else
    log "Synapse is not running on port $PORT"
  fi
}

cmd_stop() {
  need_root
  with_lock
  stop_process
  # Keep the last log for post-mortems (.tmp/ is git-ignored), then drop the throwaway data.
  if [[ -f "$LOG_FILE" ]]; then
    mkdir -p "$REPO_ROOT/.tmp"
    cp -f "$LOG_FILE" "$REPO_ROOT/.tmp/synapse-$PORT.log" 2>/dev/null || true
  fi
  rm -rf "$DATA"
  if [[ -f "$ENV_FILE" ]] && grep -qx "MATRIX_HOMESERVER_URL=$BASE_URL" "$ENV_FILE"; then
    rm -f "$ENV_FILE"
  fi
}

cmd_restart() {
  # A homeserver restart as clients see it: the process goes away, comes back on the same data
  # (users, rooms, access tokens, sync positions), on the same port.
  need_root
  with_lock
  [[ -f "$DATA/homeserver.yaml" ]] || die "no Synapse data for port $PORT to restart on; use start"
  stop_process
  launch
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    if http_ok "$BASE_URL/_matrix/client/versions"; then
      echo "running (pid $pid) at $BASE_URL"
    else
      echo "running (pid $pid) at $BASE_URL but not answering"
    fi
    return 0
  fi
  if is_installed; then
    echo "not running (port $PORT; chroot $ROOT, matrix-synapse $(cat "$ROOT/$MARKER_NAME"))"
  else
    echo "not running (port $PORT; chroot $ROOT not installed)"
  fi
  return 3
}

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_restart ;;
  status) cmd_status ;;
  -h | --help | help) usage ;;
  *) usage >&2; exit 2 ;;
esac
