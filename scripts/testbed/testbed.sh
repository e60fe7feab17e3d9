#!/usr/bin/env bash
# testbed.sh — systemd machines for kk's end-to-end tests, made with systemd-nspawn on this host.
#
# Usage (as root):
#   testbed.sh up N [--kube]         boot node1..nodeN (systemd as PID 1, own hostname, netns and IP);
#                                    --kube: machines that can run containerd, runc and a kubelet
#   testbed.sh down                  remove everything `up` made; safe after a crash or when nothing is up
#   testbed.sh status                list machines: name, IP, leader PID, state
#   testbed.sh ip NODE               print NODE's IP
#   testbed.sh exec NODE CMD...      run CMD as root inside NODE (its namespaces, clean PATH); exit code passes through
#   testbed.sh install-debs NODE PKG...
#                                    download PKG and its missing dependencies on the host, dpkg -i them inside NODE
#   testbed.sh copy-in NODE SRC DST  copy a host file into NODE
#   testbed.sh image                 build the cached root filesystem now (up does this when it is missing)
#
# Network: bridge kkbr0, host 10.213.0.1/24, nodeK 10.213.0.(10+K)/24, default route via the host.
# The host does not forward or NAT for the bridge, so machines reach only the host's bridge address and
# each other.
#
# Environment:
#   KK_TESTBED_CACHE   image cache (default /var/cache/kk-testbed): rootfs/, apt lists, downloaded .debs
#   KK_TESTBED_STATE   live state (default /run/kk-testbed): per-node overlay dirs, pids, console logs
#   KK_TESTBED_DATA    --kube machines' /var/lib/containerd and /var/lib/kubelet (default /var/lib/kk-testbed);
#                      must not be overlayfs (containerd's overlay snapshots cannot stack on it)
#   KK_TESTBED_MIRROR  Debian mirror (default: the one the host's apt uses)
#   KK_TESTBED_SUITE   Debian suite (default: the host's codename)
#   KK_TESTBED_BOOT_TIMEOUT  seconds `up` waits for each machine (default 120)
#
# Each node's root is an overlayfs: the cached image is the read-only lower layer, the node's changes go
# to $KK_TESTBED_STATE/nodes/NODE/upper, so the image is never modified.
set -euo pipefail

CACHE=${KK_TESTBED_CACHE:-/var/cache/kk-testbed}
STATE=${KK_TESTBED_STATE:-/run/kk-testbed}
DATA=${KK_TESTBED_DATA:-/var/lib/kk-testbed}
BRIDGE=kkbr0
NET_PREFIX=10.213.0
HOST_IP=${NET_PREFIX}.1
BOOT_TIMEOUT=${KK_TESTBED_BOOT_TIMEOUT:-120}
MAX_NODES=50
# Bump when the image recipe changes so cached images get rebuilt.
IMAGE_RECIPE=2
IMAGE_PACKAGES=systemd,systemd-sysv,dbus,iproute2,curl,ca-certificates,iptables,procps,kmod,iputils-ping,python3,openssh-server,netcat-openbsd,xz-utils
NODE_PATH_ENV=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
IPT_COMMENT=kk-testbed
# cgroup (name=systemd hierarchy) that holds one sub-group per machine; the machine's systemd owns it.
CG_SYSTEMD=/sys/fs/cgroup/systemd
# Paths inside a --kube machine that get a host directory of their own (see DATA).
KUBE_DATA_DIRS="/var/lib/containerd /var/lib/kubelet"
# Inside a machine: the marker that turns on the --kube unit of the image.
KUBE_MARKER=/etc/kk-testbed/kube
# Sysctl trees that are global to the kernel (not per network namespace): what a --kube machine writes
# there (the kubelet sets vm.overcommit_memory, kernel.panic, ...) changes the host, so `up --kube`
# records them and `down` puts back whatever changed.
HOST_SYSCTL_TREES="kernel vm fs user"

die() { echo "testbed: $*" >&2; exit 1; }
log() { echo "testbed: $*" >&2; }

need_root() { [[ $(id -u) -eq 0 ]] || die "must run as root"; }

# ---------------------------------------------------------------- image

host_codename() {
  # shellcheck disable=SC1091
  (. /etc/os-release && echo "${VERSION_CODENAME:-}")
}

# The Debian mirror the host's apt uses: the first source whose suite is the host's codename, in either
# one-line (.list) or deb822 (.sources) form.
host_mirror() {
  local found
  found=$(mirror_candidates "$1")
  [[ -n $found ]] || return 1
  echo "${found%%$'\n'*}"
}

mirror_candidates() {
  local codename=$1 f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    awk -v s="$codename" '$1=="deb" { i=2; if ($2 ~ /^\[/) { while ($i !~ /\]$/) i++; i++ } if ($(i+1)==s) { print $i; exit } }' "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    awk -v s="$codename" '
      function flush() { if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " s " ") && uris != "") { split(uris, u, " "); print u[1]; found=1; exit } types=""; suites=""; uris="" }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1)=="types:" { $1=""; types=$0 }
      tolower($1)=="suites:" { $1=""; suites=$0 }
      tolower($1)=="uris:" { $1=""; uris=$0 }
      END { if (!found) flush() }' "$f"
  done
  return 0
}

image_suite() { echo "${KK_TESTBED_SUITE:-$(host_codename)}"; }
image_mirror() {
  if [[ -n ${KK_TESTBED_MIRROR:-} ]]; then echo "$KK_TESTBED_MIRROR"; return; fi
  host_mirror "$(image_suite)" || die "cannot find a Debian mirror for $(image_suite) in /etc/apt/sources.list*; set KK_TESTBED_MIRROR"
}
image_id() { echo "recipe=$IMAGE_RECIPE suite=$(image_suite) mirror=$(image_mirror) packages=$IMAGE_PACKAGES"; }

image_ready() {
  [[ -d $CACHE/rootfs/usr && -f $CACHE/image.id ]] && [[ $(cat "$CACHE/image.id") == "$(image_id)" ]]
}

build_image() {
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  mkdir -p "$CACHE"
  exec 8>"$CACHE/.lock"
  flock 8
  if image_ready; then return 0; fi
  local suite mirror tmp start
  suite=$(image_suite); mirror=$(image_mirror)
  [[ -n $suite ]] || die "cannot tell the Debian suite; set KK_TESTBED_SUITE"
  if [[ -d $CACHE/rootfs ]] && mountinfo_has_under "$STATE"; then
    die "a testbed built on the old image is still up; run '$0 down' before rebuilding the image"
  fi
  tmp=$CACHE/rootfs.tmp
  rm -rf --one-file-system "$tmp"
  start=$(date +%s)
  log "building image ($suite from $mirror) in $tmp"
  debootstrap --variant=minbase --include="$IMAGE_PACKAGES" "$suite" "$tmp" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 30 "$CACHE/debootstrap.log" >&2; die "debootstrap failed (full log: $CACHE/debootstrap.log)"; }
  customize_image "$tmp"
  rm -rf --one-file-system "$CACHE/rootfs"
  mv "$tmp" "$CACHE/rootfs"
  image_id >"$CACHE/image.id"
  log "image built in $(( $(date +%s) - start ))s ($(du -sh "$CACHE/rootfs" | cut -f1))"
}

customize_image() {
  local r=$1
  # Per-node identity is written into each node's upper layer; the image carries none.
  : >"$r/etc/machine-id"
  rm -f "$r/var/lib/dbus/machine-id" "$r"/etc/ssh/ssh_host_*
  echo testbed >"$r/etc/hostname"
  # Static addressing comes from systemd-networkd; sshd stays off unless a test enables it.
  mkdir -p "$r/etc/systemd/system/multi-user.target.wants" "$r/etc/systemd/system/sockets.target.wants" \
    "$r/etc/systemd/system/network-online.target.wants" "$r/etc/systemd/system/ssh.service.d"
  ln -sf /lib/systemd/system/systemd-networkd.service "$r/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
  ln -sf /lib/systemd/system/systemd-networkd.socket "$r/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"
  rm -f "$r/etc/systemd/system/multi-user.target.wants/ssh.service" "$r/etc/systemd/system/sshd.service"
  # Host keys are made on the node at first sshd start, so no two machines share them.
  cat >"$r/etc/systemd/system/ssh.service.d/10-kk-hostkeys.conf" <<'EOF'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
EOF
  # Units that cannot work in a container on this host only make the machine look broken.
  local u
  for u in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    ln -sf /dev/null "$r/etc/systemd/system/$u"
  done
  # systemd makes / shared on bare metal but not in a container (it leaves that to the container manager,
  # and nspawn leaves it private). Container runtimes and the kubelet rely on shared propagation (mounts
  # made under /var/lib/kubelet must reach the containers), so every machine does what a real one has.
  mkdir -p "$r/etc/systemd/system/sysinit.target.wants" "$r/usr/local/lib/kk-testbed"
  cat >"$r/etc/systemd/system/kk-testbed-rshared.service" <<'UNIT'
[Unit]
Description=kk testbed: make / recursively shared, as on a real machine
DefaultDependencies=no
Before=local-fs-pre.target sysinit.target
Wants=local-fs-pre.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/mount --make-rshared /

[Install]
WantedBy=sysinit.target
UNIT
  ln -sf ../kk-testbed-rshared.service "$r/etc/systemd/system/sysinit.target.wants/kk-testbed-rshared.service"
  # --kube machines (marked by $KUBE_MARKER): nspawn mounts /proc/sys and the cgroup v1 controllers
  # read-only; root in the machine (all capabilities, no user namespace) remounts them writable. Ordered
  # after systemd-sysctl, which has already skipped the read-only /proc/sys, so the image's sysctl.d
  # defaults are not pushed onto the host's global sysctls at boot.
  cat >"$r/usr/local/lib/kk-testbed/kube-setup" <<'SCRIPT'
#!/bin/sh
# kk testbed, --kube machines: writable /proc/sys and cgroup controllers (see scripts/testbed/README.md).
set -e
mount -o remount,bind,rw /proc/sys
for d in /sys/fs/cgroup/*; do
  [ -d "$d" ] && [ ! -L "$d" ] || continue
  mountpoint -q "$d" || continue
  mount -o remount,bind,rw "$d"
done
SCRIPT
  chmod 0755 "$r/usr/local/lib/kk-testbed/kube-setup"
  cat >"$r/etc/systemd/system/kk-testbed-kube.service" <<UNIT
[Unit]
Description=kk testbed: writable /proc/sys and cgroup controllers for containerd and the kubelet
DefaultDependencies=no
ConditionPathExists=$KUBE_MARKER
After=systemd-sysctl.service kk-testbed-rshared.service
Before=sysinit.target

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/lib/kk-testbed/kube-setup

[Install]
WantedBy=sysinit.target
UNIT
  ln -sf ../kk-testbed-kube.service "$r/etc/systemd/system/sysinit.target.wants/kk-testbed-kube.service"
  rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/*_Packages
}

# ---------------------------------------------------------------- state helpers

node_dir() { echo "$STATE/nodes/$1"; }
node_ip() { local k=${1#node}; echo "$NET_PREFIX.$((10 + k))"; }
valid_node() { [[ $1 =~ ^node([1-9][0-9]?)$ ]] && (( ${BASH_REMATCH[1]} <= MAX_NODES )); }

mountinfo_has_under() {
  local dir=$1
  awk -v d="$dir/" '{ if (index($5 "/", d) == 1) { found=1 } } END { exit !found }' /proc/self/mountinfo
}

# PID of the systemd-nspawn process for NODE, checked against /proc so a stale or reused pid is ignored.
nspawn_pid() {
  local node=$1 d pid
  d=$(node_dir "$node")
  pid=$(cat "$d/nspawn.pid" 2>/dev/null) || return 1
  [[ $pid =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' </proc/"$pid"/cmdline | grep -q -- "systemd-nspawn .*-D $d/root " || return 1
  echo "$pid"
}

# Every systemd-nspawn process whose root lies under our state dir (covers a crashed run whose pid files
# were lost), by pid.
stray_nspawn_pids() {
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    [[ $cmd == *systemd-nspawn*" -D $STATE/nodes/"* ]] && echo "${p#/proc/}"
  done
  return 0
}

# The machine's PID 1 seen from the host: the nspawn child that is PID 1 in its own pid namespace.
leader_pid() {
  local np
  np=$(nspawn_pid "$1") || return 1
  leader_of "$np"
}

leader_of() {
  local np=$1 p
  for p in $(cat /proc/"$np"/task/*/children 2>/dev/null); do
    if awk '/^NSpid:/ { exit !($NF == 1 && NF > 2) }' "/proc/$p/status" 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}

list_nodes() {
  [[ -d $STATE/nodes ]] || return 0
  local d
  for d in "$STATE"/nodes/node*; do [[ -d $d ]] && basename "$d"; done | sort -V
}

require_leader() {
  valid_node "$1" || die "unknown machine '$1' (expected node1..node$MAX_NODES)"
  [[ -d $(node_dir "$1") ]] || die "machine $1 does not exist (run '$0 up N' first)"
  leader_pid "$1" || die "machine $1 is not running (see $(node_dir "$1")/console.log; '$0 down' cleans up)"
}

# Runs argv inside the machine: all of PID 1's namespaces, its root and a clean environment. The process
# also joins the machine's cgroup in each cgroup v1 controller, so what it loads (dpkg unpacking, say) is
# charged to the machine and what it starts (a daemon run by hand) stays inside the machine's tree.
in_machine() (
  local leader=$1 ctrls cg; shift
  while IFS=: read -r _ ctrls cg; do
    case $ctrls in '' | name=*) continue ;; esac
    if [[ $cg == */kk-testbed/node* && -w /sys/fs/cgroup/$ctrls$cg/cgroup.procs ]]; then
      echo "$BASHPID" >"/sys/fs/cgroup/$ctrls$cg/cgroup.procs" 2>/dev/null || true
    fi
  done < <(cat "/proc/$leader/cgroup" 2>/dev/null)
  exec nsenter --target "$leader" --mount --uts --ipc --net --pid --cgroup --root --wd -- \
    /usr/bin/env -i PATH="$NODE_PATH_ENV" HOME=/root USER=root LOGNAME=root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
    SYSTEMD_PAGER= SYSTEMD_COLORS=0 "$@"
)

# ---------------------------------------------------------------- network

bridge_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
  fi
  ip addr replace "$HOST_IP/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  # Belt and braces for "no route to the outside": even if someone turns on forwarding, traffic from the
  # bridge goes nowhere but the bridge.
  if ! iptables -C FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP 2>/dev/null; then
    iptables -I FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP
  fi
  if ! iptables -C FORWARD -o "$BRIDGE" ! -i "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP 2>/dev/null; then
    iptables -I FORWARD -o "$BRIDGE" ! -i "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP
  fi
}

bridge_down() {
  while iptables -D FORWARD -i "$BRIDGE" ! -o "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP 2>/dev/null; do :; done
  while iptables -D FORWARD -o "$BRIDGE" ! -i "$BRIDGE" -m comment --comment "$IPT_COMMENT" -j DROP 2>/dev/null; do :; done
  local l
  for l in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    ip link del "$l" 2>/dev/null || true
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
}

# ---------------------------------------------------------------- cgroups

# Each machine gets its own cgroup in every hierarchy the host has mounted: in name=systemd and unified
# under the hierarchy's root (its systemd manages that subtree; sharing the host's root cgroup would let
# machines trample each other), in each cgroup v1 controller under the launcher's own cgroup there (so
# `status` can read its memory). nspawn then gives the machine a cgroup namespace rooted there: what a
# kubelet in a --kube machine creates as /kubepods lands in kk-testbed/NODE/kubepods on the host, never
# in another machine's tree.
cgroup_dirs() {
  local node=$1 ctrls path dir
  while IFS=: read -r _ ctrls path; do
    case $ctrls in
      '') dir=/sys/fs/cgroup/unified; path=/ ;;
      name=systemd) dir=$CG_SYSTEMD; path=/ ;;
      name=*) continue ;;
      *) dir=/sys/fs/cgroup/$ctrls ;;
    esac
    [[ -d $dir && ! -L $dir ]] || continue
    path=${path%/kk-testbed/*}
    echo "$dir${path%/}/kk-testbed/$node"
  done </proc/self/cgroup
  return 0
}

# A new cpuset cgroup starts with no CPUs and no memory nodes, and a process cannot join it until it has
# some: each level of DIR gets its parent's.
cpuset_fill() {
  local dir=$1 parent=${1%/*} f
  [[ -f $dir/cpuset.cpus && -f $parent/cpuset.cpus ]] || return 0
  cpuset_fill "$parent"
  for f in cpuset.cpus cpuset.mems; do
    [[ -n $(cat "$dir/$f") ]] || cat "$parent/$f" >"$dir/$f"
  done
}

cgroup_make() {
  local dir
  for dir in "$@"; do
    mkdir -p "$dir"
    cpuset_fill "$dir"
  done
}

# rmdir a cgroup tree depth-first (cgroup dirs cannot be removed with rm -r).
cgroup_rmtree() {
  local dir=$1
  [[ -d $dir ]] || return 0
  find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
}

# Every kk-testbed cgroup in every hierarchy. A cgroup whose last tasks are still exiting cannot be
# removed yet, so a few rounds are tried.
cgroup_cleanup() {
  local h base left
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    left=
    for h in /sys/fs/cgroup/*; do
      [[ -d $h && ! -L $h ]] || continue
      while read -r base; do
        [[ -n $base ]] || continue
        cgroup_rmtree "$base"
        [[ -d $base ]] && left+=" $base"
      done < <(find "$h" -maxdepth 4 -type d -name kk-testbed 2>/dev/null)
    done
    [[ -z $left ]] && return 0
    sleep 0.5
  done
  log "cannot remove cgroups (still in use?):$left"
}

# ---------------------------------------------------------------- host sysctls (--kube)

# Every writable sysctl under HOST_SYSCTL_TREES, as it is now, into $STATE/host-sysctl/<path> (once per
# testbed; values that change by themselves are left out).
host_sysctl_save() {
  local dst=$STATE/host-sysctl f rel
  [[ -d $dst ]] && return 0
  mkdir -p "$dst.tmp"
  # shellcheck disable=SC2086 # HOST_SYSCTL_TREES is a list of tree names
  while IFS= read -r -d '' f; do
    rel=${f#/proc/sys/}
    case $rel in kernel/ns_last_pid | kernel/random/*) continue ;; esac
    [[ -w $f ]] || continue
    mkdir -p "$dst.tmp/${rel%/*}"
    cat "$f" >"$dst.tmp/$rel" 2>/dev/null || rm -f "$dst.tmp/$rel"
  done < <(cd /proc/sys && find $HOST_SYSCTL_TREES -type f -print0 2>/dev/null | sed -z 's|^|/proc/sys/|')
  mv "$dst.tmp" "$dst"
}

# Puts back every recorded host sysctl that a machine changed.
host_sysctl_restore() {
  local src=$STATE/host-sysctl f rel was now
  [[ -d $src ]] || return 0
  while IFS= read -r -d '' f; do
    rel=${f#"$src"/}
    # (cmp would not do: procfs files report size 0.)
    was=$(<"$f") || continue
    now=$(<"/proc/sys/$rel") || continue
    if [[ $was != "$now" ]]; then
      if cat "$f" >"/proc/sys/$rel" 2>/dev/null; then
        log "restored host sysctl ${rel//\//.} = ${was//$'\t'/ } (a machine had set ${now//$'\t'/ })"
      else
        log "cannot restore host sysctl ${rel//\//.}"
      fi
    fi
  done < <(find "$src" -type f -print0)
}

# Memory charged to the machine's memory cgroup (its processes plus the page cache they brought in).
node_memory_bytes() {
  local leader memcg
  leader=$(leader_pid "$1") || return 1
  memcg=$(awk -F: '$2=="memory" { print $3 }' "/proc/$leader/cgroup") || return 1
  [[ $memcg == */kk-testbed/* ]] || return 1
  cat "/sys/fs/cgroup/memory$memcg/memory.usage_in_bytes"
}

# ---------------------------------------------------------------- up

prepare_node() {
  local node=$1 count=$2 kube=$3 d root ip k p
  d=$(node_dir "$node"); root=$d/root; ip=$(node_ip "$node")
  mkdir -p "$d/upper" "$d/work" "$root"
  mount -t overlay "kk-testbed-$node" -o "lowerdir=$CACHE/rootfs,upperdir=$d/upper,workdir=$d/work" "$root"
  if [[ $kube == 1 ]]; then
    mkdir -p "$root${KUBE_MARKER%/*}"
    echo "kk testbed --kube machine; see scripts/testbed/README.md" >"$root$KUBE_MARKER"
    for p in $KUBE_DATA_DIRS; do mkdir -p "$DATA/$node$p" "$root$p"; done
  fi
  # Identity and addressing of this machine; these land in the node's upper layer.
  echo "$node" >"$root/etc/hostname"
  od -An -N16 -tx1 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"; echo >>"$root/etc/machine-id"
  {
    echo "127.0.0.1 localhost"
    echo "::1 localhost ip6-localhost ip6-loopback"
    echo "$HOST_IP kk-host"
    for ((k = 1; k <= count; k++)); do echo "$(node_ip "node$k") node$k"; done
  } >"$root/etc/hosts"
  # No nameserver: lookups fail fast instead of timing out towards a network that is not there.
  # A --kube machine names the host's bridge address, where nothing answers on port 53 (refused at
  # once, the same fast failure): CoreDNS forwards to the node's resolvers and will not start
  # without one ("plugin/forward: no nameservers found"), as on any real node.
  rm -f "$root/etc/resolv.conf"
  if [[ $kube == 1 ]]; then
    printf '# testbed machines have no DNS; names are in /etc/hosts\nnameserver %s\n' "$HOST_IP" >"$root/etc/resolv.conf"
  else
    echo "# testbed machines have no DNS; names are in /etc/hosts" >"$root/etc/resolv.conf"
  fi
  mkdir -p "$root/etc/systemd/network"
  cat >"$root/etc/systemd/network/80-container-host0.network" <<NET
[Match]
Kind=veth
Name=host0

[Network]
Address=$ip/24
Gateway=$HOST_IP
LinkLocalAddressing=no
IPv6AcceptRA=no
NET
}

# The systemd-nspawn flags of a --kube machine, one per line (each is explained in README.md).
kube_nspawn_args() {
  local node=$1 p
  echo "--capability=all"
  # The machines share the host's clock: with CAP_SYS_TIME, `timedatectl set-timezone` in a machine
  # warped the host's clock by the zone's offset (seen: -8 h for Asia/Shanghai). Nothing in a
  # Kubernetes node needs to set the clock.
  echo "--drop-capability=CAP_SYS_TIME"
  echo "--system-call-filter=@keyring bpf"
  echo "--bind=/dev/kmsg"
  for p in $KUBE_DATA_DIRS; do echo "--bind=$DATA/$node$p:$p"; done
}

launch_node() {
  local node=$1 kube=$2 d cgs extra=()
  d=$(node_dir "$node")
  cgs=$(cgroup_dirs "$node" | tr '\n' ' ')
  # shellcheck disable=SC2086
  cgroup_make $cgs
  if [[ $kube == 1 ]]; then mapfile -t extra < <(kube_nspawn_args "$node"); fi
  # The launcher moves itself into the machine's cgroups, records its pid, then becomes systemd-nspawn.
  # shellcheck disable=SC2016,SC2086
  setsid bash -c '
    d=$1; shift; cgs=$1; shift
    for c in $cgs; do echo $$ >"$c/cgroup.procs"; done
    echo $$ >"$d/nspawn.pid"
    exec "$@"' kk-testbed-launch "$d" "$cgs" \
    systemd-nspawn -D "$d/root" -M "$node" --boot --register=no --keep-unit \
      --network-bridge="$BRIDGE" --resolv-conf=off --link-journal=no --console=read-only \
      "${extra[@]}" ${KK_TESTBED_NSPAWN_ARGS:-} \
    </dev/null >"$d/console.log" 2>&1 7>&- 8>&- 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do [[ -s $d/nspawn.pid ]] && return 0; sleep 0.05; done
  die "machine $node did not start (console: $d/console.log)"
}

# Waits until NODE's systemd has finished starting (running or degraded) and its address answers on the
# bridge (the machine pings the host's bridge address: the host has no ping of its own).
wait_node() {
  local node=$1 deadline=$2 leader st=
  while :; do
    if ! nspawn_pid "$node" >/dev/null; then
      log "machine $node exited during boot"
      return 1
    fi
    # Until nspawn's child has become systemd and opened its bus, systemctl says "offline": keep waiting.
    if leader=$(leader_pid "$node") && [[ $(cat "/proc/$leader/comm" 2>/dev/null) == systemd ]]; then
      st=$(timeout -k 2 10 nsenter --target "$leader" --mount --pid --root --wd -- \
        /usr/bin/env -i PATH="$NODE_PATH_ENV" systemctl is-system-running --wait 2>/dev/null) || true
      case $st in
        running | degraded)
          if timeout -k 2 5 nsenter --target "$leader" --net --mount --root --wd -- \
            /usr/bin/env -i PATH="$NODE_PATH_ENV" ping -c1 -W1 -I "$(node_ip "$node")" "$HOST_IP" >/dev/null 2>&1; then
            return 0
          fi ;;
        maintenance | stopping)
          log "machine $node reports '$st'"
          return 1 ;;
      esac
    fi
    if (( $(date +%s) >= deadline )); then
      log "machine $node not ready after ${BOOT_TIMEOUT}s (systemd state: ${st:-unknown})"
      return 1
    fi
    sleep 0.5
  done
}

# Keeps the console logs of a failed boot (the state dir goes away with the cleanup).
save_console_logs() {
  local node
  mkdir -p "$CACHE/logs"
  for node in $(list_nodes); do
    cp -f "$(node_dir "$node")/console.log" "$CACHE/logs/$node-console.log" 2>/dev/null || true
  done
  log "console logs of the failed boot: $CACHE/logs/"
}

leftovers_exist() {
  [[ -e $STATE ]] || compgen -G "$DATA/node*" >/dev/null || ip link show "$BRIDGE" >/dev/null 2>&1 || [[ -n $(stray_nspawn_pids) ]]
}

# What a --kube machine needs from this host, checked before anything is made.
kube_host_check() {
  local c fs
  for c in cpu cpuacct cpuset memory devices freezer blkio pids; do
    [[ -d /sys/fs/cgroup/$c ]] || die "--kube needs the cgroup v1 controller $c mounted at /sys/fs/cgroup/$c (a cgroup v1 or hybrid host)"
  done
  [[ -c /dev/kmsg ]] || die "--kube needs /dev/kmsg on the host"
  mkdir -p "$DATA"
  fs=$(stat -f -c %T "$DATA")
  case $fs in
    overlayfs | overlay | tmpfs) die "--kube: $DATA is on $fs; containerd's overlay snapshots need a disk filesystem there (set KK_TESTBED_DATA)" ;;
  esac
}

cmd_up() {
  local n='' kube=0 a
  for a in "$@"; do
    case $a in
      --kube) kube=1 ;;
      *) [[ -z $n ]] || die "usage: $0 up N [--kube]"; n=$a ;;
    esac
  done
  [[ $n =~ ^[1-9][0-9]*$ ]] && (( n <= MAX_NODES )) || die "usage: $0 up N [--kube]   (1 <= N <= $MAX_NODES)"
  command -v systemd-nspawn >/dev/null || die "systemd-nspawn is not installed (apt-get install systemd-container)"
  local mode=plain
  (( kube )) && mode=kube
  lock_state
  local existing node all_running=1 count=0
  existing=$(list_nodes)
  if [[ -n $existing ]]; then
    for node in $existing; do
      count=$((count + 1))
      leader_pid "$node" >/dev/null || all_running=0
    done
    if (( all_running )) && [[ $(cat "$STATE/mode" 2>/dev/null || echo plain) != "$mode" ]]; then
      die "testbed already up with $count $(cat "$STATE/mode" 2>/dev/null || echo plain) machines (asked for $mode); run '$0 down' first"
    fi
    if (( all_running && count == n )); then
      log "testbed already up with $n machines"
      for node in $existing; do echo "$node $(node_ip "$node") $(leader_pid "$node")"; done
      return 0
    fi
    if (( all_running )); then
      die "testbed already up with $count machines (asked for $n); run '$0 down' first"
    fi
  fi
  if leftovers_exist; then
    log "cleaning up leftovers of an earlier run"
    do_down
  fi
  (( kube )) && kube_host_check
  build_image
  mkdir -p "$STATE/nodes"
  echo "$mode" >"$STATE/mode"
  (( kube )) && host_sysctl_save
  bridge_up
  local k
  for ((k = 1; k <= n; k++)); do prepare_node "node$k" "$n" "$kube"; done
  for ((k = 1; k <= n; k++)); do launch_node "node$k" "$kube"; done
  local deadline=$(( $(date +%s) + BOOT_TIMEOUT ))
  for ((k = 1; k <= n; k++)); do
    if ! wait_node "node$k" "$deadline"; then
      tail -n 20 "$(node_dir "node$k")/console.log" >&2 || true
      save_console_logs
      do_down
      die "up failed: machine node$k did not come up; everything was removed"
    fi
  done
  for ((k = 1; k <= n; k++)); do echo "node$k $(node_ip "node$k") $(leader_pid "node$k")"; done
}

# ---------------------------------------------------------------- down

lock_state() {
  mkdir -p "$(dirname "$STATE")"
  exec 9>"$STATE.lock"
  flock -w 600 9 || die "another testbed.sh holds $STATE.lock for 10 minutes; is a test still running?"

}

kill_pid_and_wait() {
  local pid=$1 i
  kill -KILL "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do [[ -e /proc/$pid ]] || return 0; sleep 0.1; done
}

do_down() {
  local node pid leader pids=()
  for node in $(list_nodes); do
    if pid=$(nspawn_pid "$node"); then pids+=("$pid"); fi
  done
  # A crashed run may have lost its pid files: also every nspawn whose root lies under our state dir.
  for pid in $(stray_nspawn_pids); do [[ " ${pids[*]} " == *" $pid "* ]] || pids+=("$pid"); done
  # Killing a machine's PID 1 ends its whole pid namespace at once; nspawn then cleans up and exits.
  for pid in "${pids[@]}"; do
    if leader=$(leader_of "$pid"); then kill -KILL "$leader" 2>/dev/null || true; fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do [[ -e /proc/$pid ]] || break; sleep 0.1; done
    kill_pid_and_wait "$pid"
  done
  # Unmount everything under the state dir, deepest first.
  local m
  while read -r m; do
    [[ -n $m ]] || continue
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
  done < <(awk -v d="$STATE/" 'index($5 "/", d) == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2-)
  bridge_down
  cgroup_cleanup
  host_sysctl_restore
  if mountinfo_has_under "$STATE"; then
    die "something is still mounted under $STATE; not removing it (see /proc/self/mountinfo)"
  fi
  rm -rf --one-file-system "$STATE"
  # --kube machines' containerd and kubelet directories. Their mounts (snapshots, pod volumes) lived in
  # the machines' mount namespaces and went with them; anything that leaked onto the host goes first.
  if [[ -e $DATA ]]; then
    while read -r m; do
      [[ -n $m ]] || continue
      umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
    done < <(awk -v d="$DATA/" 'index($5 "/", d) == 1 { print length($5), $5 }' /proc/self/mountinfo | sort -rn | cut -d' ' -f2-)
    if mountinfo_has_under "$DATA"; then
      die "something is still mounted under $DATA; not removing it (see /proc/self/mountinfo)"
    fi
    # Only what `up` made there (node*), so a KK_TESTBED_DATA pointed at a shared directory loses nothing else.
    local n
    for n in "$DATA"/node*; do [[ -d $n ]] && rm -rf --one-file-system "$n"; done
    rmdir "$DATA" 2>/dev/null || true
  fi
}

cmd_down() {
  lock_state
  do_down
  rm -f "$STATE.lock"
}

# ---------------------------------------------------------------- status / ip / exec / copy-in

cmd_status() {
  local node leader st mem
  for node in $(list_nodes); do
    # Until nspawn's child has become systemd and opened its bus, systemctl says "offline": keep waiting.
    if leader=$(leader_pid "$node") && [[ $(cat "/proc/$leader/comm" 2>/dev/null) == systemd ]]; then
      st=$(timeout 5 nsenter --target "$leader" --mount --pid --root --wd -- \
        /usr/bin/env -i PATH="$NODE_PATH_ENV" systemctl is-system-running 2>/dev/null) || true
      mem=$(node_memory_bytes "$node" 2>/dev/null) || mem=
      echo "$node $(node_ip "$node") $leader ${st:-unknown}${mem:+ mem=$((mem / 1048576))MiB}"
    else
      echo "$node $(node_ip "$node") - stopped"
    fi
  done
}

cmd_ip() {
  [[ $# -eq 1 ]] || die "usage: $0 ip NODE"
  valid_node "$1" || die "unknown machine '$1' (expected node1..node$MAX_NODES)"
  [[ -d $(node_dir "$1") ]] || die "machine $1 does not exist (run '$0 up N' first)"
  node_ip "$1"
}

cmd_exec() {
  [[ $# -ge 2 ]] || die "usage: $0 exec NODE CMD..."
  local leader
  leader=$(require_leader "$1") || exit 1
  shift
  in_machine "$leader" "$@"
}

# Streams a host file (or directory, as a tar) into the machine through its own namespaces, so paths
# and symlinks resolve inside the machine, never on the host.
cmd_copy_in() {
  [[ $# -eq 3 ]] || die "usage: $0 copy-in NODE SRC DST"
  local leader src=$2 dst=$3
  leader=$(require_leader "$1") || exit 1
  [[ $dst == /* ]] || die "copy-in: DST must be an absolute path inside the machine: $dst"
  if [[ -d $src ]]; then
    # shellcheck disable=SC2016
    tar -C "$src" -cf - . | in_machine "$leader" /bin/sh -c 'mkdir -p "$1" && tar -C "$1" -xf -' sh "$dst"
  elif [[ -f $src ]]; then
    local mode
    mode=$(stat -c %a "$src")
    # shellcheck disable=SC2016
    in_machine "$leader" /bin/sh -c 'set -e; case "$1" in */) t="$1$3";; *) if [ -d "$1" ]; then t="$1/$3"; else t="$1"; fi;; esac
      mkdir -p "$(dirname "$t")"; cat >"$t.kk-tmp"; chmod "$2" "$t.kk-tmp"; mv -f "$t.kk-tmp" "$t"' \
      sh "$dst" "$mode" "$(basename "$src")" <"$src"
  else
    die "copy-in: no such file or directory: $src"
  fi
}

# ---------------------------------------------------------------- install-debs

# apt on the host, but with its own sources (the image's mirror and suite only), lists and cache, and the
# machine's dpkg status, so it downloads exactly what the machine is missing.
apt_for_node() {
  local status=$1 aptdir=$CACHE/apt keyring; shift
  keyring=$CACHE/rootfs/usr/share/keyrings/debian-archive-keyring.gpg
  [[ -r $keyring ]] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  mkdir -p "$aptdir/lists/partial" "$aptdir/state" "$aptdir/empty" "$CACHE/debs/partial"
  echo "deb [signed-by=$keyring] $(image_mirror) $(image_suite) main" >"$aptdir/sources.list"
  apt-get -q \
    -o Dir::Etc::SourceList="$aptdir/sources.list" -o Dir::Etc::SourceParts="$aptdir/empty" \
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$aptdir/empty" \
    -o Dir::State="$aptdir/state" -o Dir::State::Lists="$aptdir/lists" -o Dir::State::status="$status" \
    -o Dir::Cache="$aptdir/cache" -o Dir::Cache::archives="$CACHE/debs" \
    -o APT::Install-Recommends=false -o APT::Install-Suggests=false \
    -o Debug::NoLocking=true -o APT::Sandbox::User=root "$@"
}

cmd_install_debs() {
  [[ $# -ge 2 ]] || die "usage: $0 install-debs NODE PKG..."
  local node=$1 leader; shift
  leader=$(require_leader "$node") || exit 1
  local tmp
  tmp=$(mktemp -d /tmp/kk-testbed-debs.XXXXXX)
  # shellcheck disable=SC2064
  trap "rm -rf '$tmp'" EXIT
  in_machine "$leader" cat /var/lib/dpkg/status >"$tmp/status"
  exec 7>"$CACHE/.apt.lock"
  flock 7
  # Lists older than a day are refreshed; otherwise repeated installs need no network at all.
  if [[ -z $(find "$CACHE/apt/lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n1) ]]; then
    apt_for_node "$tmp/status" update >"$tmp/update.log" 2>&1 || { cat "$tmp/update.log" >&2; die "apt-get update failed"; }
  fi
  apt_for_node "$tmp/status" install -s "$@" >"$tmp/plan" 2>&1 || { cat "$tmp/plan" >&2; die "cannot resolve $*"; }
  # "Inst pkg [old] (version suite [arch])" → pkg version arch
  awk '$1=="Inst" {
      i = ($3 ~ /^\[/) ? 4 : 3
      ver = substr($i, 2)
      arch = $NF; gsub(/[\[\]\)]/, "", arch)
      print $2, ver, arch }' "$tmp/plan" >"$tmp/want"
  if [[ ! -s $tmp/want ]]; then
    log "$node: nothing to install ($* already present)"
    return 0
  fi
  apt_for_node "$tmp/status" install -y --download-only "$@" >"$tmp/download.log" 2>&1 \
    || { cat "$tmp/download.log" >&2; die "downloading $* failed"; }
  mkdir -p "$tmp/debs"
  local pkg ver arch f
  while read -r pkg ver arch; do
    f=$CACHE/debs/${pkg}_${ver//:/%3a}_${arch}.deb
    [[ -f $f ]] || die "expected $f after download"
    ln "$f" "$tmp/debs/" 2>/dev/null || cp "$f" "$tmp/debs/"
  done <"$tmp/want"
  flock -u 7
  log "$node: installing $(wc -l <"$tmp/want") packages: $(cut -d' ' -f1 "$tmp/want" | tr '\n' ' ')"
  # shellcheck disable=SC2016
  tar -C "$tmp/debs" -cf - . | in_machine "$leader" /bin/sh -c '
    set -e; d=/var/cache/kk-testbed-debs; rm -rf "$d"; mkdir -p "$d"; tar -C "$d" -xf -
    DEBIAN_FRONTEND=noninteractive dpkg -i "$d"/*.deb; rc=$?; rm -rf "$d"; exit $rc'
}

# ---------------------------------------------------------------- main

main() {
  local cmd=${1:-}
  [[ -n $cmd ]] || die "usage: $0 up N | down | status | ip NODE | exec NODE CMD... | install-debs NODE PKG... | copy-in NODE SRC DST | image"
  shift
  need_root
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down ;;
    status) cmd_status ;;
    ip) cmd_ip "$@" ;;
    exec) cmd_exec "$@" ;;
    copy-in) cmd_copy_in "$@" ;;
    install-debs) cmd_install_debs "$@" ;;
    image) build_image ;;
    -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (up, down, status, ip, exec, install-debs, copy-in, image)" ;;
  esac
}

# Sourcing the file (for debugging) defines the functions without running anything.
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then main "$@"; fi
