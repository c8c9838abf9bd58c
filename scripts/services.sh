#!/usr/bin/env bash
# A throwaway IRC network with services on loopback, from Debian's packages: InspIRCd 3 (TLS, SASL,
# IRCv3 account-tag / extended-join / account-notify) linked to Atheme (NickServ accounts, SaslServ
# PLAIN and EXTERNAL). For the IRC tests that need people with services accounts; ngIRCd
# (scripts/ircd.sh) stays the simpler server for the rest.
#
#   scripts/services.sh install   apt-get install inspircd atheme-services openssl when missing (root)
#   scripts/services.sh start     fresh configs in a temp dir, start both, wait for the link, write the env file
#   scripts/services.sh stop      stop both and delete the temp dir
#   scripts/services.sh status    exit 0 if both run, 3 if not
#
# Environment:
#   STOCKTAKE_SERVICES_ENV   env file written by start (default <repo>/.tmp/services.env), holding
#                            STOCKTAKE_SERVICES_HOST, _PORT (plain), _TLS_PORT (self-signed), _DIR
set -euo pipefail
# InspIRCd may crash as it is stopped; no core files in the repository.
ulimit -c 0

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
ENV_FILE="${STOCKTAKE_SERVICES_ENV:-$REPO_ROOT/.tmp/services.env}"
INSPIRCD="${STOCKTAKE_INSPIRCD:-/usr/sbin/inspircd}"
ATHEME="${STOCKTAKE_ATHEME:-/usr/bin/atheme-services}"
LINK_PASSWORD="stocktake-test-link"

log() { printf '[services.sh] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

read_env() {
  SV_DIR=""
  [[ -f "$ENV_FILE" ]] || return 0
  SV_DIR="$(sed -n 's/^STOCKTAKE_SERVICES_DIR=//p' "$ENV_FILE")"
}

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
running() { [[ -n "$SV_DIR" ]] && alive "$SV_DIR/inspircd.pid" && alive "$SV_DIR/atheme.pid"; }

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

install() {
  if [[ -x "$INSPIRCD" && -x "$ATHEME" ]] && command -v openssl >/dev/null; then return 0; fi
  [[ "$(id -u)" == 0 ]] || die "InspIRCd or Atheme is missing and installing them needs root (apt-get install inspircd atheme-services openssl)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq inspircd atheme-services openssl >/dev/null || { apt-get update -qq && apt-get install -y -qq inspircd atheme-services openssl >/dev/null; }
  # The packages start system-wide daemons where they can; the tests run their own.
  if command -v service >/dev/null; then service inspircd stop >/dev/null 2>&1 || true; service atheme-services stop >/dev/null 2>&1 || true; fi
}

write_inspircd() {
  local dir="$1" port="$2" tls_port="$3" link_port="$4"
  : >"$dir/motd"
  cat >"$dir/inspircd.conf" <<CONF
<server name="irc.stocktake.test" description="Stocktake test network" network="StocktakeTest">
<admin name="Stocktake tests" nick="admin" email="admin@stocktake.test">
<bind address="127.0.0.1" port="$port" type="clients">
<bind address="127.0.0.1" port="$tls_port" type="clients" sslprofile="test">
<bind address="127.0.0.1" port="$link_port" type="servers">
# Tests and the benchmark send fast: 100 commands a second before fakelag (InspIRCd counts commandrate in thousandths).
<connect name="main" allow="*" maxchans="50" timeout="30" pingfreq="120" hardsendq="1M" softsendq="100K" recvq="64K" threshold="1000" commandrate="100000" fakelag="on" localmax="1000" globalmax="1000" maxconnwarn="off" resolvehostnames="no" useident="no" limit="5000" modes="+x">
<files motd="$dir/motd">
<dns server="127.0.0.1" timeout="1">
<pid file="$dir/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default" target="$dir/inspircd.log">
<options prefixquit="Quit: " allowzerolimit="no" hostintopic="yes">
<security hideserver="" userstats="Pu" customversion="">
<performance netbuffersize="10240" somaxconn="128" softlimit="1024" clonesonconnect="no" quietbursts="yes">
<limits maxnick="30" maxchan="50" maxmodes="20" maxident="10" maxhost="64" maxquit="255" maxtopic="307" maxkick="255" maxreal="128" maxaway="200">
<module name="spanningtree">
<link name="services.stocktake.test" ipaddr="127.0.0.1" port="$link_port" allowmask="127.0.0.1/8" sendpass="$LINK_PASSWORD" recvpass="$LINK_PASSWORD" hidden="no">
<uline server="services.stocktake.test" silent="yes">
<module name="services_account">
<module name="svshold">
<module name="sasl">
<sasl target="services.stocktake.test" requiressl="no">
<module name="cap">
<module name="ircv3">
<module name="ircv3_accounttag">
<module name="ircv3_capnotify">
<module name="ircv3_msgid">
<module name="ircv3_servertime">
<module name="ssl_gnutls">
<module name="sslinfo">
<sslprofile name="test" provider="gnutls" certfile="$dir/server.crt" keyfile="$dir/server.key" dhfile="$dir/dh.pem" hash="sha256" requestclientcert="yes">
<module name="cloaking">
<cloak mode="half" key="stocktake-test-cloak-key-0123456789" prefix="st-">
CONF
}

write_atheme() {
  local dir="$1" link_port="$2"
  cat >"$dir/atheme.conf" <<CONF
loadmodule "modules/protocol/inspircd";
loadmodule "modules/backend/opensex";
loadmodule "modules/crypto/pbkdf2v2";
loadmodule "modules/nickserv/main";
loadmodule "modules/nickserv/register";
loadmodule "modules/nickserv/identify";
loadmodule "modules/nickserv/logout";
loadmodule "modules/nickserv/cert";
loadmodule "modules/nickserv/help";
loadmodule "modules/saslserv/main";
loadmodule "modules/saslserv/plain";
loadmodule "modules/saslserv/external";

serverinfo {
	name = "services.stocktake.test";
	desc = "Stocktake test services";
	numeric = "00A";
	recontime = 2;
	netname = "StocktakeTest";
	hidehostsuffix = "users.stocktake.test";
	adminname = "Stocktake tests";
	adminemail = "admin@stocktake.test";
	registeremail = "noreply@stocktake.test";
	auth = none;
	loglevel = { error; info; };
	maxlogins = 10;
	maxusers = 100;
	mdlimit = 30;
	emaillimit = 10;
	emailtime = 300;
	casemapping = rfc1459;
};

uplink "irc.stocktake.test" {
	host = "127.0.0.1";
	port = $link_port;
	send_password = "$LINK_PASSWORD";
	receive_password = "$LINK_PASSWORD";
};

nickserv {
	nick = "NickServ";
	user = "NickServ";
	host = "services.stocktake.test";
	real = "Nickname Services";
	spam;
	maxnicks = 5;
	expire = 0;
};

saslserv {
	nick = "SaslServ";
	user = "SaslServ";
	host = "services.stocktake.test";
	real = "SASL Authentication Agent";
};

general {
	permissive_mode;
	commit_interval = 1;
	default_clone_allowed = 1000;
	uflags = { hidemail; };
	cflags = { verbose; guard; };
	helpurl = "https://stocktake.test/";
	ratelimit_uses = 100;
	ratelimit_period = 1;
};
CONF
}

start() {
  [[ -x "$INSPIRCD" && -x "$ATHEME" ]] || die "InspIRCd or Atheme is not installed: run scripts/services.sh install"
  read_env
  if running; then log "already running (env: $ENV_FILE)"; return 0; fi
  local port tls_port link_port dir
  port="$(free_port)"; tls_port="$(free_port)"; link_port="$(free_port)"
  dir="$(mktemp -d "${TMPDIR:-/tmp}/stocktake-services.XXXXXX")"
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=irc.stocktake.test" -addext "subjectAltName=DNS:irc.stocktake.test,IP:127.0.0.1" \
    -keyout "$dir/server.key" -out "$dir/server.crt" >/dev/null 2>&1 || die "openssl could not make the test certificate"
  openssl dhparam -dsaparam -out "$dir/dh.pem" 1024 >/dev/null 2>&1 || true
  write_inspircd "$dir" "$port" "$tls_port" "$link_port"
  write_atheme "$dir" "$link_port"
  mkdir -p "$dir/atheme-data"
  local root=()
  [[ "$(id -u)" == 0 ]] && root=(--runasroot)
  # Each writes its own pid file (Atheme refuses to start over a pid file naming a live process).
  nohup "$INSPIRCD" --config="$dir/inspircd.conf" --nofork "${root[@]}" >"$dir/inspircd.out" 2>&1 &
  local i
  for i in $(seq 1 100); do (exec 3<>"/dev/tcp/127.0.0.1/$link_port") 2>/dev/null && break; sleep 0.1; done
  nohup "$ATHEME" -n -c "$dir/atheme.conf" -D "$dir/atheme-data" -l "$dir/atheme.log" -p "$dir/atheme.pid" >"$dir/atheme.out" 2>&1 &
  # Linked once Atheme has finished its burst with the IRC server.
  for i in $(seq 1 150); do
    if grep -q "finished synching with uplink" "$dir/atheme.log" 2>/dev/null; then
      mkdir -p "$(dirname "$ENV_FILE")"
      printf 'STOCKTAKE_SERVICES_HOST=127.0.0.1\nSTOCKTAKE_SERVICES_PORT=%s\nSTOCKTAKE_SERVICES_TLS_PORT=%s\nSTOCKTAKE_SERVICES_DIR=%s\n' "$port" "$tls_port" "$dir" >"$ENV_FILE"
      log "InspIRCd on 127.0.0.1:$port (TLS $tls_port) linked to Atheme (env: $ENV_FILE)"
      return 0
    fi
    sleep 0.2
  done
  tail -n 30 "$dir/inspircd.out" "$dir/inspircd.log" "$dir/atheme.out" "$dir/atheme.log" >&2 2>/dev/null || true
  SV_DIR="$dir" stop_dir "$dir"
  die "InspIRCd and Atheme did not link"
}

stop_dir() {
  local dir="$1" file pid
  for file in "$dir/atheme.pid" "$dir/inspircd.pid"; do
    if alive "$file"; then
      pid="$(cat "$file")"
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

stop() {
  read_env
  [[ -n "$SV_DIR" ]] && stop_dir "$SV_DIR"
  [[ -n "$SV_DIR" && "$SV_DIR" == */stocktake-services.* ]] && rm -rf "$SV_DIR"
  rm -f "$ENV_FILE"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) read_env; running && { echo "running"; exit 0; } || { echo "not running"; exit 3; } ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
