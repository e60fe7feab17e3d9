#!/bin/sh
# kk agent bootstrap — served by the coordinator at https://COORD:9441/bootstrap.sh and run as root:
#   script=$(curl -fsSL -k --pinnedpubkey 'sha256//KEY' https://COORD:9441/bootstrap.sh) && sh -c "$script" bootstrap.sh --server https://COORD:9441 --token CAHASH::ID.SECRET
# (fetched whole, then run, so a fetch that fails fails the line: README, "Five minutes with kk").
# The first curl pins the coordinator's serving key, so this script itself is authenticated. The
# script then fetches the CA, refuses to go on unless its sha256 equals the token's CA hash, and
# fetches everything else with that CA, checking every file's sha256. Needs only sh, curl,
# sha256sum; no Node.js, npm or internet on the node. Safe to re-run: the node keeps its identity.
set -eu

PREFIX=/opt/kubekey/agent
STATE_DIR=/var/lib/kk-agent
ENV_FILE=/etc/kubekey/kk-agent.env
UNIT_FILE=/etc/systemd/system/kk-agent.service
WAIT_SECONDS=${KK_BOOTSTRAP_WAIT:-90}

SERVER=""
TOKEN=""
NAME=""
FORCE=""

say() { printf 'kk-bootstrap: %s\n' "$*"; }
die() { printf 'kk-bootstrap: error: %s\n' "$*" >&2; exit 1; }
usage() {
  cat <<'USAGE'
usage: bootstrap.sh --server https://COORD:9441 --token CAHASH::ID.SECRET [--name NAME] [--force]
  --server  the coordinator's HTTPS address (as printed by `kk-coordinator token create`)
  --token   the join token: the coordinator CA's sha256, "::", then the bootstrap token
  --name    node name to enrol as (default: this machine's hostname)
  --force   take over a node name enrolled from another machine (a re-imaged host)
USAGE
}

while [ $# -gt 0 ]; do
  case "$1" in
    --server|--token|--name)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in --server) SERVER=$2 ;; --token) TOKEN=$2 ;; --name) NAME=$2 ;; esac
      shift 2 ;;
    --force) FORCE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option: $1" ;;
  esac
done

[ -n "$SERVER" ] || { usage >&2; die "--server is required"; }
[ -n "$TOKEN" ] || { usage >&2; die "--token is required"; }
case "$SERVER" in https://*) ;; *) die "--server must be an https:// URL, got: $SERVER" ;; esac
SERVER=${SERVER%/}
case "$TOKEN" in *::*) ;; *) die "--token must look like CAHASH::ID.SECRET" ;; esac
CA_HASH=${TOKEN%%::*}
case "$CA_HASH" in
  *[!0-9a-f]*|"") die "the token's CA hash must be 64 lower-case hex digits" ;;
esac
[ ${#CA_HASH} -eq 64 ] || die "the token's CA hash must be 64 lower-case hex digits"
[ "$(id -u)" -eq 0 ] || die "run as root (the agent installs a systemd unit)"
for tool in curl sha256sum uname mktemp; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is required on the node"
done

case "$(uname -m)" in
  x86_64|amd64) ARCH=amd64 ;;
  aarch64|arm64) ARCH=arm64 ;;
  *) die "unsupported architecture: $(uname -m)" ;;
esac

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM
CURL="curl -fsS --connect-timeout 10 --retry 3 --retry-delay 1"

# 1. The CA, checked against the token before anything else is fetched.
$CURL -k "$SERVER/ca.crt" -o "$TMP/ca.crt" || die "cannot fetch the CA from $SERVER"
GOT=$(sha256sum "$TMP/ca.crt" | cut -d' ' -f1)
if [ "$GOT" != "$CA_HASH" ]; then
  die "the coordinator's CA (sha256 $GOT) does not match the token's CA hash ($CA_HASH): refusing to continue"
fi
say "coordinator CA verified (sha256 $CA_HASH)"
CURL="$CURL --cacert $TMP/ca.crt"

# 2. The agent bundle and the Node.js runtime, each checked against the published sums.
$CURL "$SERVER/agent/SHA256SUMS" -o "$TMP/SHA256SUMS" || die "cannot fetch the agent checksums"
RUNTIME="node-linux-$ARCH"
sum_of() { awk -v f="$1" '$2 == f { print $1 }' "$TMP/SHA256SUMS"; }
[ -n "$(sum_of kk-agent.cjs)" ] || die "the coordinator publishes no agent bundle"
[ -n "$(sum_of "$RUNTIME")" ] || die "the coordinator has no Node.js runtime for $ARCH (serve one with kk-coordinator serve --node-runtime-dir)"

mkdir -p "$PREFIX"
fetch() { # $1 = name on the server, $2 = installed path, $3 = mode
  want=$(sum_of "$1")
  if [ -f "$2" ] && [ "$(sha256sum "$2" | cut -d' ' -f1)" = "$want" ]; then
    say "$1 is up to date"
    return 0
  fi
  say "downloading $1"
  $CURL "$SERVER/agent/$1" -o "$TMP/$1" || die "cannot download $1"
  have=$(sha256sum "$TMP/$1" | cut -d' ' -f1)
  [ "$have" = "$want" ] || die "$1: sha256 $have does not match the published $want"
  chmod "$3" "$TMP/$1"
  mv -f "$TMP/$1" "$2"
}
fetch "$RUNTIME" "$PREFIX/node" 0755
fetch kk-agent.cjs "$PREFIX/kk-agent.cjs" 0644
cp "$TMP/ca.crt" "$PREFIX/ca.crt"

# 3. Settings for the agent: the token stays readable by root only (unit files are world-readable).
mkdir -p /etc/kubekey "$STATE_DIR"
chmod 0700 "$STATE_DIR"
umask 077
{
  printf 'KK_SERVER=%s\n' "$SERVER"
  printf 'KK_TOKEN=%s\n' "$TOKEN"
  [ -z "$NAME" ] || printf 'KK_NAME=%s\n' "$NAME"
  [ -z "$FORCE" ] || printf 'KK_FORCE=1\n'
} > "$ENV_FILE.tmp"
mv -f "$ENV_FILE.tmp" "$ENV_FILE"
umask 022

if [ ! -d /run/systemd/system ]; then
  say "systemd is not running here: start the agent in the foreground with"
  say "  set -a; . $ENV_FILE; set +a; $PREFIX/node $PREFIX/kk-agent.cjs run --data-dir $STATE_DIR"
  exit 0
fi

# 4. The service. Exit status 78 means the coordinator refused this node for good (bad token,
#    name taken): restarting would only hammer the coordinator, so systemd stops there.
#    The agent idles on I/O: V8's lite mode (no optimising compiler) and a small young generation
#    keep it near 60 MB instead of 80. Two malloc arenas instead of one per thread: the agent's
#    threads (libuv, V8's platform) are mostly idle, and each arena holds on to freed memory.
cat > "$UNIT_FILE.tmp" <<UNIT
[Unit]
Description=kk agent: reports this node's facts and runs the kk coordinator's signed commands
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
EnvironmentFile=$ENV_FILE
Environment=MALLOC_ARENA_MAX=2
ExecStart=$PREFIX/node --lite-mode --max-semi-space-size=1 $PREFIX/kk-agent.cjs run --data-dir $STATE_DIR
Restart=always
RestartSec=2
RestartPreventExitStatus=78
KillMode=mixed

[Install]
WantedBy=multi-user.target
UNIT
mv -f "$UNIT_FILE.tmp" "$UNIT_FILE"
systemctl daemon-reload
systemctl enable kk-agent.service >/dev/null 2>&1 || die "systemctl enable kk-agent failed"
rm -f "$STATE_DIR/ready"  # the agent writes it again once enrolled and reporting
: > "$STATE_DIR/rejoin"   # consent to enrol afresh if the coordinator has removed this node
systemctl restart kk-agent.service

# 5. Wait until the agent is enrolled and connected, or show why not.
i=0
while [ "$i" -lt "$WAIT_SECONDS" ]; do
  if [ -f "$STATE_DIR/ready" ] && systemctl is-active --quiet kk-agent.service; then
    say "agent running and enrolled as $(cat "$STATE_DIR/ready")"
    exit 0
  fi
  state=$(systemctl show -p ActiveState --value kk-agent.service 2>/dev/null || true)
  if [ "$state" = failed ] || { [ "$state" = inactive ] && [ "$i" -gt 2 ]; }; then
    journalctl -u kk-agent.service -n 20 --no-pager -o cat >&2 || true
    die "the agent stopped (see above)"
  fi
  sleep 1
  i=$((i + 1))
done
journalctl -u kk-agent.service -n 20 --no-pager -o cat >&2 || true
die "the agent did not enrol within ${WAIT_SECONDS}s (see above; it keeps retrying in the background)"
