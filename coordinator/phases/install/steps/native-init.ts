// The OS of every node (KubeKey's `native` roles; docs/install.md): hostname, swap, SELinux,
// firewall, kernel modules, sysctl, limits, the packages Kubernetes needs, chrony and the time
// zone, and kk's blocks of /etc/hosts. Every task looks at the node first and reports unchanged
// when it already matches, so a second `create cluster` changes nothing. Differences from KubeKey
// (docs/defaults-vs-kubekey.md):
// - sysctl settings go to kk's own /etc/sysctl.d/99-kubekey.conf instead of being appended to
//   (and de-duplicated in) /etc/sysctl.conf; after applying, the settings pods cannot do without
//   (forwarding, bridge netfilter) must be in effect or the task fails naming the overriding file;
// - only the missing packages are installed (RHEL names on RHEL-likes), also on nfs-only hosts;
//   an offline repository ISO is given to apt/yum as options, so the node's sources never move;
// - a kernel module built into the kernel is fine; one neither loadable nor built in fails the
//   task, naming what needs it, instead of being ignored;
// - only fstab entries of type swap are commented out; caches are not dropped;
// - /etc/hosts names use dns.domain; NTP is never switched off (set-ntp false) by kk.
import { isIP } from 'node:net';
import type { ClusterModel, InventoryHost, Vars } from '../../../model/cluster';
import { getBool, getNonEmptyString, getString, getStringList } from '../../../inventory/vars';
import { UserError } from '../../../../shared/errors';
import type { StepInputs } from '../inputs';
import { fetchFile, script, writeFile, type InstallStep, type StepTask } from '../step';
import { NODE_ARTIFACTS, hostsIn, q } from './common';

export const SYSCTL_CONF = '/etc/sysctl.d/99-kubekey.conf';
export const LIMITS_CONF = '/etc/security/limits.d/99-kube.conf';
export const MODULES_CONF = '/etc/modules-load.d/kubekey-br_netfilter.conf';
export const IPVS_MODULES_CONF = '/etc/modules-load.d/kube_proxy-ipvs.conf';

export const HOSTS_BEGIN = '# kubekey hosts BEGIN';
export const HOSTS_END = '# kubekey hosts END';
export const REGISTRY_BEGIN = '# kubekey image_registry control_plane_endpoint BEGIN';
export const REGISTRY_END = '# kubekey image_registry control_plane_endpoint END';
export const ENDPOINT_BEGIN = '# kubekey kubernetes control_plane_endpoint BEGIN';
export const ENDPOINT_END = '# kubekey kubernetes control_plane_endpoint END';

const STEP_GROUPS = ['etcd', 'k8s_cluster', 'image_registry', 'nfs'];

const hostOf = (model: ClusterModel, name: string): InventoryHost => {
  const h = model.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`${name} is not an inventory host`);
  return h;
};
const inGroup = (model: ClusterModel, group: string, host: string): boolean => (model.groups[group] ?? []).includes(host);
const ipv4Of = (h: InventoryHost): string | undefined => getNonEmptyString(h.vars, 'internal_ipv4');
const ipv6Of = (h: InventoryHost): string | undefined => getNonEmptyString(h.vars, 'internal_ipv6');

// Every script may be pointed at another root (KK_ROOT, unset on nodes) so its file edits can be
// run for real against a directory tree; the agent gives commands a clean environment, so it is
// never set by accident.
const ROOT = 'root=${KK_ROOT:-}';

/** Replaces a file with a candidate only when they differ, keeping mode and owner, atomically where it can. */
const PUT_FILE = `# put_file TARGET CANDIDATE: returns 1 (and drops CANDIDATE) when they are the same.
put_file() {
  if [ -e "$1" ] && cmp -s "$1" "$2"; then rm -f "$2"; return 1; fi
  if [ -e "$1" ]; then chmod --reference="$1" "$2"; chown --reference="$1" "$2"; else chmod 0644 "$2"; fi
  # A bind-mounted file (a container's /etc/hosts) cannot be renamed over: rewrite it in place.
  if ! mv -f "$2" "$1" 2>/dev/null; then cat "$2" > "$1"; rm -f "$2"; fi
  return 0
}`;

const OS_RELEASE = `ID=''; ID_LIKE=''; VERSION_ID=''; VERSION=''
if [ -r "$root/etc/os-release" ]; then . "$root/etc/os-release"; fi
case " $ID $ID_LIKE " in
  *" debian "*|*" ubuntu "*) family=debian ;;
  *" rhel "*|*" fedora "*|*" centos "*|*" kylin "*) family=rhel ;;
  *) family=unknown ;;
esac`;

/**
 * The names KubeKey's repository ISOs carry for this OS (download.iso entries): KubeKey's own rule
 * (<id>-<version_id>, <id><version_id> for RHEL-likes, Kylin with its service pack) plus the
 * major-version form its published names also use (centos-8-rpms); Debian itself counts as debs.
 */
const ISO_NAMES = `iso_names() {
  local id ver type=rpms sp=''
  id=$(printf '%s' "$ID" | tr 'A-Z' 'a-z'); ver=$VERSION_ID
  if [ "$family" = debian ]; then type=debs; fi
  if [ "$id" = kylin ]; then
    case "$VERSION" in *Tercel*) sp=SP1 ;; *Sword*) sp=SP2 ;; *Lance*) sp=SP3 ;; *Halberd*) sp=SP3-2403 ;; esac
    echo "kylin-$(printf '%s' "$ver" | tr 'A-Z' 'a-z')$sp-$type"
    return 0
  fi
  echo "$id-$ver-$type $id$ver-$type $id-\${ver%%.*}-$type"
}`;

interface Pkg {
  bin: string;
  deb: string;
  rpm: string;
}
const BASE_PACKAGES: Pkg[] = [
  { bin: 'socat', deb: 'socat', rpm: 'socat' },
  { bin: 'conntrack', deb: 'conntrack', rpm: 'conntrack-tools' },
  { bin: 'ipset', deb: 'ipset', rpm: 'ipset' },
  { bin: 'ebtables', deb: 'ebtables', rpm: 'ebtables' },
  { bin: 'chronyd', deb: 'chrony', rpm: 'chrony' },
  { bin: 'ipvsadm', deb: 'ipvsadm', rpm: 'ipvsadm' },
];
const NFS_PACKAGE: Pkg = { bin: 'rpc.nfsd', deb: 'nfs-kernel-server', rpm: 'nfs-utils' };

/**
 * Defines find_missing, which sets $missing to the packages (this family's names) whose program is
 * not there: a package counts as installed when its program is, whoever installed it.
 */
function missingFunctions(pkgs: Pkg[]): string {
  return `have_bin() {
  local d
  for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    if [ -x "$root$d/$1" ]; then return 0; fi
  done
  return 1
}
want() {
  if have_bin "$1"; then return 0; fi
  if [ "$family" = debian ]; then missing="$missing $2"; else missing="$missing $3"; fi
  return 0
}
find_missing() {
  missing=''
${pkgs.map((p) => `  want ${q(p.bin)} ${q(p.deb)} ${q(p.rpm)}`).join('\n')}
  missing=\${missing# }
}`;
}

/** The packages a host needs: KubeKey's list on Kubernetes and registry hosts, the NFS server on nfs hosts. */
export function packagesFor(model: ClusterModel, host: string): Pkg[] {
  const out: Pkg[] = [];
  if (inGroup(model, 'k8s_cluster', host) || inGroup(model, 'image_registry', host)) out.push(...BASE_PACKAGES);
  if (inGroup(model, 'nfs', host)) out.push(NFS_PACKAGE);
  return out;
}

interface Iso {
  name: string;
  sha256: string;
  path: string;
}

/** The repository ISOs init verified for this host's architecture (usually none). */
function isosFor(inputs: StepInputs, host: string): Iso[] {
  const out: Iso[] = [];
  for (const name of getStringList(inputs.model.vars, 'download.iso') ?? []) {
    try {
      const a = inputs.artifact(name, inputs.arch(host));
      if (a.kind !== 'iso') continue;
      out.push({ name, sha256: a.sha256, path: `${NODE_ARTIFACTS}/repository/${a.dest.split('/').pop()}` });
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
    }
  }
  return out;
}

/** Whether `iso` is this node's OS and packages are missing: only then is the ISO brought over. */
export function isoNeededScript(iso: string, pkgs: Pkg[]): string {
  return `${ROOT}
${OS_RELEASE}
${ISO_NAMES}
${missingFunctions(pkgs)}
find_missing
case " $(iso_names) " in *' '${q(iso)}' '*) ;; *) echo "not this OS's repository ISO (this OS: $(iso_names | cut -d' ' -f1))"; exit $UNCHANGED ;; esac
if [ -z "$missing" ]; then echo "no package missing: ISO not needed"; exit $UNCHANGED; fi
echo "missing: $missing; installing them from ${iso}"`;
}

export function packagesScript(pkgs: Pkg[], isos: Iso[]): string {
  const all = pkgs.map((p) => p.deb).join(' ');
  return `${ROOT}
${OS_RELEASE}
${ISO_NAMES}
${missingFunctions(pkgs)}
find_missing
if [ -z "$missing" ]; then echo "already installed: ${all}"; exit $UNCHANGED; fi
if [ "$family" = unknown ]; then
  echo "missing packages: $missing; kk installs packages with apt-get (Debian, Ubuntu) or dnf/yum (RHEL-like), not on \${ID:-this OS}: install them yourself" >&2
  exit 1
fi
isos=(${isos.map((i) => q(`${i.name}:${i.path}`)).join(' ')})
iso=''
for n in $(iso_names); do
  for pair in \${isos[@]+"\${isos[@]}"}; do
    if [ "\${pair%%:*}" = "$n" ] && [ -f "$root\${pair#*:}" ]; then iso=$root\${pair#*:}; break 2; fi
  done
done
tmp=$(mktemp -d "\${TMPDIR:-/tmp}/kk-packages.XXXXXX")
mnt=$tmp/iso
cleanup() {
  if [ -n "$iso" ]; then umount "$mnt" 2>/dev/null || true; fi
  if ! mountpoint -q "$mnt" 2>/dev/null; then rm -rf "$tmp"; fi
}
trap cleanup EXIT
# With an ISO it is the only source, given to apt/yum as options: the node's own sources are left untouched.
src=()
if [ -n "$iso" ]; then
  mkdir -p "$mnt"
  mount -t iso9660 -o loop,ro "$iso" "$mnt"
  if [ "$family" = debian ]; then
    mkdir -p "$tmp/lists/partial" "$tmp/parts"
    echo "deb [trusted=yes] file://$mnt /" > "$tmp/sources.list"
    src=(-o "Dir::Etc::SourceList=$tmp/sources.list" -o "Dir::Etc::SourceParts=$tmp/parts" -o "Dir::State::Lists=$tmp/lists" -o APT::Sandbox::User=root)
  else
    mkdir -p "$tmp/repos"
    printf '[kk-iso]\\nname=kk repository ISO\\nbaseurl=file://%s\\nenabled=1\\ngpgcheck=0\\n' "$mnt" > "$tmp/repos/kk-iso.repo"
    src=("--setopt=reposdir=$tmp/repos" --disablerepo='*' --enablerepo=kk-iso)
  fi
  echo "installing $missing from $(basename "$iso")"
else
  echo "installing $missing from the node's package sources"
fi
install_missing() {
  if [ "$family" = debian ]; then
    DEBIAN_FRONTEND=noninteractive apt-get \${src[@]+"\${src[@]}"} update || echo "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get \${src[@]+"\${src[@]}"} install -y $missing
  else
    local pm=yum
    if command -v dnf >/dev/null 2>&1; then pm=dnf; fi
    "$pm" \${src[@]+"\${src[@]}"} install -y $missing
  fi
}
wanted=$missing
if ! install_missing > "$tmp/install.log" 2>&1; then
  tail -n 20 "$tmp/install.log" >&2
  echo "cannot install $wanted on this node (output above). Install them with the OS package manager, or add this OS's package ISO to download.iso (named one of: $(iso_names)) so kk installs them from it." >&2
  exit 1
fi
find_missing
if [ -n "$missing" ]; then
  tail -n 20 "$tmp/install.log" >&2
  echo "still missing after installing: $missing" >&2
  exit 1
fi
echo "installed $wanted"`;
}

export function hostnameScript(name: string, files: string[]): string {
  return `${ROOT}
${PUT_FILE}
want=${q(name)}
changed=0
if [ "$(cat "$root/proc/sys/kernel/hostname")" != "$want" ] || [ "$(cat "$root/etc/hostname" 2>/dev/null || true)" != "$want" ]; then
  hostnamectl set-hostname "$want"
  echo "hostname set to $want"
  changed=1
fi
for f in ${files.map(q).join(' ')}; do
  p=$root$f
  if [ ! -f "$p" ]; then continue; fi
  tmp=$(mktemp "$p.kk-XXXXXX")
  awk -v want="$want" '/^127\\.0\\.1\\.1([ \\t]|$)/ { print "127.0.1.1 " want; next } { print }' "$p" > "$tmp"
  if put_file "$p" "$tmp"; then echo "$f: 127.0.1.1 is $want"; changed=1; fi
done
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;
}

export const SWAP_SCRIPT = `${ROOT}
${PUT_FILE}
changed=0
if [ -r "$root/proc/swaps" ] && [ "$(awk 'NR > 1' "$root/proc/swaps" | wc -l)" -gt 0 ]; then
  if ! swapoff -a; then
    echo "swap is on and cannot be turned off here; kubelet does not run with swap on: turn it off where it is allowed (the host of this container)" >&2
    exit 1
  fi
  echo "swap turned off"
  changed=1
fi
fstab=$root/etc/fstab
if [ -f "$fstab" ]; then
  tmp=$(mktemp "$fstab.kk-XXXXXX")
  awk '!/^[ \\t]*#/ && $3 == "swap" { print "#" $0; next } { print }' "$fstab" > "$tmp"
  if put_file "$fstab" "$tmp"; then echo "swap entries of /etc/fstab commented out"; changed=1; fi
fi
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;

export const SELINUX_SCRIPT = `${ROOT}
${PUT_FILE}
changed=0
cfg=$root/etc/selinux/config
if [ -f "$cfg" ] && grep -q '^SELINUX=enforcing' "$cfg"; then
  tmp=$(mktemp "$cfg.kk-XXXXXX")
  sed 's/^SELINUX=enforcing/SELINUX=disabled/' "$cfg" > "$tmp"
  if put_file "$cfg" "$tmp"; then echo "SELinux disabled in /etc/selinux/config"; changed=1; fi
fi
if command -v getenforce >/dev/null 2>&1 && [ "$(getenforce 2>/dev/null || true)" = Enforcing ]; then
  setenforce 0
  echo "SELinux permissive until the next boot"
  changed=1
fi
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;

export const FIREWALL_SCRIPT = `changed=0
for u in firewalld.service ufw.service; do
  if [ "$(systemctl show -p LoadState --value "$u" 2>/dev/null || true)" != loaded ]; then continue; fi
  if systemctl is-active --quiet "$u"; then systemctl stop "$u"; echo "stopped $u"; changed=1; fi
  if [ "$(systemctl is-enabled "$u" 2>/dev/null || true)" = enabled ]; then systemctl disable "$u"; echo "disabled $u"; changed=1; fi
done
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;

/**
 * Loads the modules and lists the loadable ones under /etc/modules-load.d. A module built into the
 * kernel needs neither: it counts as present when the kernel shows it (/proc/modules, /sys/module,
 * modules.builtin) or shows what it provides (the bridge sysctls, overlay in /proc/filesystems,
 * /proc/net/ip_vs); an IPVS scheduler "not found" next to a built-in ip_vs is taken as built in too.
 */
export function modulesScript(ipvs: boolean): string {
  return `${ROOT}
${PUT_FILE}
changed=0
failed=''
present() {
  if grep -q "^$1 " "$root/proc/modules" 2>/dev/null; then return 0; fi
  if [ -d "$root/sys/module/$1" ]; then return 0; fi
  if grep -q "/$1\\.ko" "$root/lib/modules/$(uname -r)/modules.builtin" 2>/dev/null; then return 0; fi
  case "$1" in
    br_netfilter) if [ -e "$root/proc/sys/net/bridge/bridge-nf-call-iptables" ]; then return 0; fi ;;
    overlay) if grep -qw overlay "$root/proc/filesystems" 2>/dev/null; then return 0; fi ;;
    ip_vs) if [ -e "$root/proc/net/ip_vs" ]; then return 0; fi ;;
    nf_conntrack) if [ -e "$root/proc/sys/net/netfilter/nf_conntrack_max" ]; then return 0; fi ;;
  esac
  return 1
}
load() {
  local out
  if present "$1"; then return 0; fi
  if out=$(modprobe "$1" 2>&1); then echo "loaded $1"; changed=1; return 0; fi
  case "$1" in
    ip_vs_*) if present ip_vs && printf '%s' "$out" | grep -qi 'not found'; then return 0; fi ;;
  esac
  echo "$1: $out" >&2
  failed="$failed $1"
  return 0
}
# list FILE MODULE...: the modules modinfo knows go to FILE (systemd loads them at boot); none → no file.
list() {
  local f=$root$1 m text=''
  shift
  for m in "$@"; do
    if modinfo "$m" >/dev/null 2>&1; then text="$text$m
"; fi
  done
  if [ -z "$text" ]; then
    if [ -e "$f" ]; then rm -f "$f"; echo "removed \${f#"$root"}"; changed=1; fi
    return 0
  fi
  mkdir -p "$(dirname "$f")"
  tmp=$(mktemp "$f.kk-XXXXXX")
  printf '# Written by kk (docs/install.md).\\n%s' "$text" > "$tmp"
  if put_file "$f" "$tmp"; then echo "wrote \${f#"$root"}"; changed=1; fi
  return 0
}
load br_netfilter
load overlay
list ${MODULES_CONF} br_netfilter overlay
${
  ipvs
    ? `conntrack=nf_conntrack
if modinfo nf_conntrack_ipv4 >/dev/null 2>&1; then conntrack=nf_conntrack_ipv4; fi
for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh "$conntrack"; do load "$m"; done
list ${IPVS_MODULES_CONF} ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh "$conntrack"`
    : `# kube-proxy does not use IPVS: its module list is not wanted at boot.
if [ -e "$root${IPVS_MODULES_CONF}" ]; then rm -f "$root${IPVS_MODULES_CONF}"; echo "removed ${IPVS_MODULES_CONF}"; changed=1; fi`
}
if [ -n "$failed" ]; then
  echo "kernel modules neither loadable nor built into this kernel:$failed. br_netfilter and overlay are needed by Kubernetes and containerd${ipvs ? '; ip_vs* by kube-proxy in ipvs mode (kubernetes.kube_proxy.mode: iptables does without them)' : ''}. Install the kernel's module package (linux-modules-extra-$(uname -r) on Ubuntu) or use a kernel that has them." >&2
  exit 1
fi
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;
}

/** KubeKey's init-os.sh settings, as kk's own file (values after KubeKey's own normalising pass). */
export function sysctlSettings(vars: Vars): [string, string][] {
  const out: [string, string][] = [
    ['net.core.netdev_max_backlog', '65535'],
    ['net.core.rmem_max', '33554432'],
    ['net.core.wmem_max', '33554432'],
    ['net.core.somaxconn', '32768'],
    ['net.bridge.bridge-nf-call-arptables', '1'],
    ['vm.max_map_count', '262144'],
    ['vm.swappiness', '1'],
    ['vm.overcommit_memory', '1'],
    ['fs.inotify.max_user_instances', '524288'],
    ['fs.inotify.max_user_watches', '524288'],
    ['fs.pipe-max-size', '4194304'],
    ['fs.aio-max-nr', '262144'],
    ['kernel.pid_max', '4194304'],
    ['kernel.watchdog_thresh', '5'],
    ['kernel.hung_task_timeout_secs', '5'],
  ];
  if (getBool(vars, 'security_enhancement') === true) out.push(['kernel.panic', '10'], ['kernel.panic_on_oops', '1']);
  if (getNonEmptyString(vars, 'internal_ipv4')) {
    out.push(
      ['net.bridge.bridge-nf-call-iptables', '1'],
      ['net.ipv4.tcp_tw_recycle', '0'],
      ['net.ipv4.tcp_tw_reuse', '0'],
      ['net.ipv4.ip_forward', '1'],
      ['net.ipv4.ip_local_reserved_ports', '30000-32767'],
      ['net.ipv4.tcp_max_syn_backlog', '1048576'],
      ['net.ipv4.neigh.default.gc_thresh1', '512'],
      ['net.ipv4.neigh.default.gc_thresh2', '2048'],
      ['net.ipv4.neigh.default.gc_thresh3', '4096'],
      ['net.ipv4.tcp_retries2', '15'],
      ['net.ipv4.tcp_max_tw_buckets', '1048576'],
      ['net.ipv4.tcp_max_orphans', '65535'],
      ['net.ipv4.udp_rmem_min', '131072'],
      ['net.ipv4.udp_wmem_min', '131072'],
      ['net.ipv4.conf.all.rp_filter', '1'],
      ['net.ipv4.conf.default.rp_filter', '1'],
      ['net.ipv4.conf.all.arp_accept', '1'],
      ['net.ipv4.conf.default.arp_accept', '1'],
      ['net.ipv4.conf.all.arp_ignore', '1'],
      ['net.ipv4.conf.default.arp_ignore', '1'],
    );
  }
  if (getNonEmptyString(vars, 'internal_ipv6')) {
    out.push(
      ['net.bridge.bridge-nf-call-ip6tables', '1'],
      ['net.ipv6.conf.all.disable_ipv6', '0'],
      ['net.ipv6.conf.default.disable_ipv6', '0'],
      ['net.ipv6.conf.lo.disable_ipv6', '0'],
      ['net.ipv6.conf.all.forwarding', '1'],
      ['net.ipv6.conf.default.accept_dad', '0'],
      ['net.ipv6.route.max_size', '65536'],
      ['net.ipv6.neigh.default.retrans_time_ms', '1000'],
    );
  }
  return out;
}

export function sysctlConf(vars: Vars): string {
  return `# Written by kk (docs/install.md); changing it here is undone by the next create cluster.
${sysctlSettings(vars)
  .map(([k, v]) => `${k} = ${v}`)
  .join('\n')}
`;
}

/** The settings without which pods get no network: these must hold after applying. */
export function requiredSysctls(vars: Vars): string[] {
  const out: string[] = [];
  if (getNonEmptyString(vars, 'internal_ipv4')) out.push('net.ipv4.ip_forward', 'net.bridge.bridge-nf-call-iptables');
  if (getNonEmptyString(vars, 'internal_ipv6')) out.push('net.ipv6.conf.all.forwarding', 'net.bridge.bridge-nf-call-ip6tables');
  return out;
}

/**
 * Applies every sysctl file in boot order, then reads back kk's settings: a key the node lacks
 * (tcp_tw_recycle since 4.12, host-only net.core keys in a container) is skipped; one that did
 * not take (read-only in a container, or set differently by a file applied later) is a warning,
 * or a failure for the required ones.
 */
export function sysctlApplyScript(required: string[]): string {
  return `${ROOT}
required=' ${required.join(' ')} '
sysctl --system > /dev/null 2>&1 || true
bad=''
warn=''
while read -r key _ want; do
  case "$key" in ''|'#'*|';'*) continue ;; esac
  f=$root/proc/sys/$(printf '%s' "$key" | tr . /)
  if [ ! -e "$f" ]; then echo "$key: not on this node (kernel or network namespace), skipped"; continue; fi
  have=$(tr -s ' \\t' ' ' < "$f" | sed 's/ $//')
  if [ "$have" = "$want" ]; then continue; fi
  who=$(grep -ls "^[[:space:]]*$key[[:space:]]*=" "$root"/etc/sysctl.d/*.conf "$root"/run/sysctl.d/*.conf "$root"/usr/lib/sysctl.d/*.conf "$root"/lib/sysctl.d/*.conf "$root"/etc/sysctl.conf 2>/dev/null | grep -v '/99-kubekey\\.conf$' | sed "s#^$root##" | tr '\\n' ' ' || true)
  msg="$key = $have, not $want\${who:+ (also set in \${who% })}"
  case "$required" in *" $key "*) bad="$bad
  $msg" ;; *) warn="$warn
  $msg" ;; esac
done < "$root${SYSCTL_CONF}"
if [ -n "$warn" ]; then echo "not in effect (read-only here, or set by another file):$warn" >&2; fi
if [ -n "$bad" ]; then
  echo "required kernel settings are not in effect:$bad
remove the other setting (a file applied after ${SYSCTL_CONF} wins) and run create cluster again" >&2
  exit 1
fi
echo "applied ${SYSCTL_CONF}"`;
}

export const LIMITS_TEXT = `# Written by kk (docs/install.md). Applies to login sessions only: services take their
# limits from their systemd units.
${['*', 'root']
  .map((who) => ['nofile 1048576', 'nproc 65536', 'memlock unlimited', 'core unlimited'].flatMap((l) => [`${who} soft ${l}`, `${who} hard ${l}`]).join('\n'))
  .join('\n\n')}
`;

/** `native.ntp.servers` as chrony `server` lines: a server naming an inventory host is its internal address(es). */
export function ntpServerLines(model: ClusterModel, vars: Vars): string[] {
  const out: string[] = [];
  for (const server of getStringList(vars, 'native.ntp.servers') ?? []) {
    const h = model.hosts.find((x) => x.name === server);
    const addrs = h ? [ipv4Of(h), ipv6Of(h)].filter((a): a is string => a !== undefined) : [];
    for (const a of addrs.length > 0 ? addrs : [server]) out.push(`server ${a} iburst`);
  }
  return out;
}

/** KubeKey's chrony edits, made idempotent: the file is rebuilt from the current one and replaced only when it differs. */
export function chronyScript(serverLines: string[]): string {
  const tail = ['allow 0.0.0.0/0', 'allow ::/0', 'local stratum 10', ...serverLines];
  return `${ROOT}
${PUT_FILE}
conf=''
for c in /etc/chrony/chrony.conf /etc/chrony.conf; do
  if [ -f "$root$c" ]; then conf=$root$c; break; fi
done
if [ -z "$conf" ]; then echo "no /etc/chrony/chrony.conf or /etc/chrony.conf: chrony is not installed" >&2; exit 1; fi
tmp=$(mktemp "$conf.kk-XXXXXX")
awk '/^(server|allow|local)([ \\t]|$)/ { next } /^pool[ \\t]/ { print "#" $0; next } { print }' "$conf" > "$tmp"
printf '%s\\n' ${tail.map(q).join(' ')} >> "$tmp"
if put_file "$conf" "$tmp"; then echo "\${conf#"$root"}: ${serverLines.map((l) => l.split(' ')[1]).join(', ')}"; else exit $UNCHANGED; fi`;
}

export const CHRONY_RESTART_SCRIPT = `unit=''
for u in chrony.service chronyd.service; do
  if [ "$(systemctl show -p LoadState --value "$u" 2>/dev/null || true)" = loaded ]; then unit=$(systemctl show -p Id --value "$u"); break; fi
done
if [ -z "$unit" ]; then echo "no chrony unit (chrony.service / chronyd.service)" >&2; exit 1; fi
if [ "$(systemctl is-enabled "$unit" 2>/dev/null || true)" != enabled ]; then systemctl enable "$unit"; fi
# A failed start is reported below, with the journal.
systemctl restart "$unit" || true
sleep 1
if systemctl is-active --quiet "$unit"; then echo "$unit restarted"; exit 0; fi
if [ "$(systemctl show -p ConditionResult --value "$unit")" = no ]; then
  echo "$unit does not run here: its unit conditions are not met (a container without CAP_SYS_TIME)"; exit 0
fi
journalctl -u "$unit" -n 30 --no-pager >&2 || true
echo "$unit did not start" >&2
exit 1`;

export function timezoneScript(zone: string): string {
  return `${ROOT}
want=${q(zone)}
have=$(timedatectl show -p Timezone --value 2>/dev/null || true)
if [ -z "$have" ]; then have=$(readlink "$root/etc/localtime" 2>/dev/null | sed 's#^.*/zoneinfo/##' || true); fi
if [ "$have" = "$want" ]; then exit $UNCHANGED; fi
timedatectl set-timezone "$want"
echo "time zone \${have:-unset} -> $want"`;
}

export const NTP_ON_SCRIPT = `if [ "$(timedatectl show -p NTP --value 2>/dev/null || true)" = yes ]; then exit $UNCHANGED; fi
if [ "$(timedatectl show -p CanNTP --value 2>/dev/null || true)" = no ]; then
  echo "timedatectl knows no NTP service here; chrony keeps the time by itself"; exit $UNCHANGED
fi
timedatectl set-ntp true
echo "NTP synchronisation on"`;

const cpeType = (vars: Vars): string => getString(vars, 'kubernetes.control_plane_endpoint.type') ?? 'local';

/** The registry's name when it is one (not an address), without port or path. */
function registryName(vars: Vars): string | null {
  const reg = getString(vars, 'image_registry.auth.registry') ?? '';
  const hostPart = reg.split('/')[0] ?? '';
  const name = hostPart.startsWith('[') ? hostPart.slice(1, hostPart.indexOf(']')) : (hostPart.split(':')[0] ?? '');
  return name === '' || isIP(name) !== 0 ? null : name;
}

/** The lines between `# kubekey hosts BEGIN` and END (docs/install.md), the same on every node. */
export function hostsBlock(model: ClusterModel, host: string): string {
  const vars = hostOf(model, host).vars;
  const cluster = getNonEmptyString(vars, 'kubernetes.cluster_name') ?? 'kubekey';
  const domain = getNonEmptyString(vars, 'dns.domain') ?? 'cluster.local';
  const members = (group: string): InventoryHost[] => hostsIn(model, group).map((n) => hostOf(model, n));
  const addrs = (h: InventoryHost): string[] => [ipv4Of(h), ipv6Of(h)].filter((a): a is string => a !== undefined);
  const lines: string[] = [HOSTS_BEGIN, '# kubernetes nodes'];
  for (const h of members('k8s_cluster')) {
    for (const a of addrs(h)) lines.push(`${a} ${h.name} ${h.name}.${cluster} ${h.name}.${cluster}.${domain}`);
  }
  lines.push('# etcd nodes');
  for (const h of members('etcd')) for (const a of addrs(h)) lines.push(`${a} ${h.name}`);
  lines.push('# image registry nodes');
  const registries = members('image_registry');
  for (const h of registries) for (const a of addrs(h)) lines.push(`${a} ${h.name}`);
  lines.push(REGISTRY_BEGIN);
  const name = registryName(vars);
  if (name) {
    const vip = getNonEmptyString(vars, 'image_registry.ha_vip');
    const type = getString(vars, 'image_registry.type') ?? '';
    if (vip) lines.push(`${vip} ${name}`);
    else if ((type === 'harbor' || type === 'docker-registry') && registries[0]) for (const a of addrs(registries[0])) lines.push(`${a} ${name}`);
  }
  lines.push(REGISTRY_END, '# nfs nodes');
  for (const h of members('nfs')) for (const a of addrs(h)) lines.push(`${a} ${h.name}`);
  lines.push(HOSTS_END);
  return `${lines.join('\n')}\n`;
}

/** The control-plane endpoint's name on Kubernetes nodes; '' elsewhere (and a stale block is removed). */
export function endpointBlock(model: ClusterModel, host: string): string {
  if (!inGroup(model, 'k8s_cluster', host)) return '';
  const vars = hostOf(model, host).vars;
  const name = getNonEmptyString(vars, 'kubernetes.control_plane_endpoint.host') ?? 'lb.kubesphere.local';
  let lines: string[];
  if (cpeType(vars) === 'kube-vip') {
    const vip = getNonEmptyString(vars, 'kubernetes.control_plane_endpoint.kube_vip.address');
    if (!vip) throw new UserError('kubernetes.control_plane_endpoint.type is kube-vip but kube_vip.address is empty: set the VIP');
    // Control planes reach their own API server; workers the VIP (KubeKey's resolution after join).
    lines = inGroup(model, 'kube_control_plane', host) ? [`127.0.0.1 ${name}`, `::1 ${name}`] : [`${vip} ${name}`];
  } else {
    const local = cpeType(vars) === 'local' ? getNonEmptyString(vars, 'kubernetes.control_plane_endpoint.local.address') : undefined;
    const first = (model.groups.kube_control_plane ?? [])[0];
    if (local) lines = [`${local} ${name}`];
    else if (cpeType(vars) === 'local' && first && !inGroup(model, 'kube_control_plane', host)) {
      // A worker has no API server of its own: it reaches the first control plane (KubeKey's
      // resolution after join), written here so every later run leaves the block as it is.
      const fv = hostOf(model, first).vars;
      const ip = getNonEmptyString(fv, 'internal_ipv4') ?? getNonEmptyString(fv, 'internal_ipv6');
      lines = ip ? [`${ip} ${name}`] : [`127.0.0.1 ${name}`, `::1 ${name}`];
    } else lines = [`127.0.0.1 ${name}`, `::1 ${name}`];
  }
  return `${[ENDPOINT_BEGIN, ...lines, ENDPOINT_END].join('\n')}\n`;
}

/**
 * Rewrites kk's blocks of each local DNS file in place (appended when absent), keeping every
 * other line; a KubeKey-written image_registry block outside the hosts block is dropped (it is
 * nested in the hosts block now). The node's file is unknown when planning, hence a script.
 */
export function hostsFileScript(files: string[], hosts: string, endpoint: string): string {
  return `${ROOT}
${PUT_FILE}
export KK_HOSTS_BLOCK=${q(hosts)}
export KK_ENDPOINT_BLOCK=${q(endpoint)}
changed=0
for f in ${files.map(q).join(' ')}; do
  p=$root$f
  if [ ! -e "$p" ]; then mkdir -p "$(dirname "$p")"; : > "$p"; fi
  tmp=$(mktemp "$p.kk-XXXXXX")
  if ! awk '
    { line = $0; sub(/[ \\t\\r]+$/, "", line) }
    skip != "" { if (line == skip) skip = ""; next }
    line == ${JSON.stringify(HOSTS_BEGIN)} { if (!h) { printf "%s", ENVIRON["KK_HOSTS_BLOCK"]; h = 1 }; skip = ${JSON.stringify(HOSTS_END)}; next }
    line == ${JSON.stringify(REGISTRY_BEGIN)} { skip = ${JSON.stringify(REGISTRY_END)}; next }
    line == ${JSON.stringify(ENDPOINT_BEGIN)} { if (!e) { printf "%s", ENVIRON["KK_ENDPOINT_BLOCK"]; e = 1 }; skip = ${JSON.stringify(ENDPOINT_END)}; next }
    { print }
    END {
      if (skip != "") exit 3
      if (!h) printf "%s", ENVIRON["KK_HOSTS_BLOCK"]
      if (!e) printf "%s", ENVIRON["KK_ENDPOINT_BLOCK"]
    }' "$p" > "$tmp"; then
    rm -f "$tmp"
    echo "$f: a kubekey BEGIN line has no END line after it; fix the file by hand" >&2
    exit 1
  fi
  if put_file "$p" "$tmp"; then echo "updated kk's entries in $f"; changed=1; fi
done
if [ $changed = 0 ]; then exit $UNCHANGED; fi`;
}

export const nativeInitStep: InstallStep = {
  name: 'os',
  title: 'OS preparation',
  hosts: (model) => hostsIn(model, ...STEP_GROUPS),
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const m = inputs.model;
    const h = hostOf(m, host);
    const vars = h.vars;
    const dnsFiles = getStringList(vars, 'native.localDNS') ?? ['/etc/hosts'];
    const tasks: StepTask[] = [];

    if ((getBool(vars, 'native.set_hostname') ?? true) && host !== 'localhost') {
      tasks.push({
        task: 'hostname',
        spec: script(hostnameScript(host, dnsFiles)),
        description: `hostname ${host} (and the 127.0.1.1 line of ${dnsFiles.join(', ')})`,
      });
    }

    const pkgs = packagesFor(m, host);
    if (pkgs.length > 0) {
      const isos = isosFor(inputs, host);
      for (const iso of isos) {
        tasks.push(
          {
            task: `iso needed: ${iso.name}`,
            spec: script(isoNeededScript(iso.name, pkgs)),
            description: `whether ${iso.name} is this OS's package ISO and packages are missing`,
          },
          {
            task: `fetch iso: ${iso.name}`,
            spec: fetchFile(iso.sha256, iso.path),
            onlyIfChanged: [`iso needed: ${iso.name}`],
            waitMs: 3_600_000,
            description: `fetch ${iso.name} (sha256 ${iso.sha256.slice(0, 12)}…) to ${iso.path}`,
          },
        );
      }
      tasks.push({
        task: 'packages',
        spec: script(packagesScript(pkgs, isos), { timeoutMs: 1_200_000 }),
        waitMs: 1_260_000,
        description: `install the missing ones of: ${pkgs.map((p) => p.deb).join(', ')} (apt-get or dnf/yum${isos.length ? ", from the ISO when it is this OS's" : ''})`,
      });
    }

    const ipvs = (getString(vars, 'kubernetes.kube_proxy.mode') ?? 'ipvs') === 'ipvs';
    tasks.push(
      { task: 'swap off', spec: script(SWAP_SCRIPT), description: 'swapoff -a; comment out swap entries of /etc/fstab' },
      { task: 'selinux off', spec: script(SELINUX_SCRIPT), description: 'SELinux disabled in /etc/selinux/config, permissive now (where present)' },
      { task: 'firewall off', spec: script(FIREWALL_SCRIPT), description: 'stop and disable firewalld and ufw (where present)' },
      {
        task: 'kernel modules',
        spec: script(modulesScript(ipvs)),
        description: `load br_netfilter, overlay${ipvs ? ', ip_vs, ip_vs_rr, ip_vs_wrr, ip_vs_sh, nf_conntrack' : ''}; list them under /etc/modules-load.d`,
      },
      { task: 'write sysctl', spec: writeFile(SYSCTL_CONF, sysctlConf(vars)), description: `${SYSCTL_CONF} (${sysctlSettings(vars).length} settings)` },
      {
        task: 'apply sysctl',
        spec: script(sysctlApplyScript(requiredSysctls(vars))),
        onlyIfChanged: ['write sysctl', 'kernel modules'],
        description: `sysctl --system when ${SYSCTL_CONF} or the modules changed; ${requiredSysctls(vars).join(', ')} must be in effect`,
      },
      {
        task: 'write limits',
        spec: writeFile(LIMITS_CONF, LIMITS_TEXT),
        description: `${LIMITS_CONF} (nofile 1048576, nproc 65536, memlock and core unlimited)`,
      },
    );

    if (inGroup(m, 'k8s_cluster', host) || inGroup(m, 'image_registry', host)) {
      const servers = ntpServerLines(m, vars);
      const ntp = (getBool(vars, 'native.ntp.enabled') ?? true) && servers.length > 0;
      if (ntp) {
        tasks.push(
          {
            task: 'chrony config',
            spec: script(chronyScript(servers)),
            description: `chrony.conf: ${servers.map((l) => l.split(' ')[1]).join(', ')}; serves the cluster (allow all, local stratum 10)`,
          },
          {
            task: 'restart chrony',
            spec: script(CHRONY_RESTART_SCRIPT, { timeoutMs: 120_000 }),
            onlyIfChanged: ['chrony config'],
            description: 'enable and restart chrony when its config changed',
          },
        );
      }
      const zone = getNonEmptyString(vars, 'native.timezone');
      if (zone) tasks.push({ task: 'timezone', spec: script(timezoneScript(zone)), description: `time zone ${zone} (timedatectl, when different)` });
      if (ntp) tasks.push({ task: 'ntp sync on', spec: script(NTP_ON_SCRIPT), description: 'timedatectl set-ntp true (when off)' });
    }

    tasks.push({
      task: 'hosts file',
      spec: script(hostsFileScript(dnsFiles, hostsBlock(m, host), endpointBlock(m, host))),
      description: `kk's entries in ${dnsFiles.join(', ')}: cluster nodes${inGroup(m, 'k8s_cluster', host) ? ' and the control-plane endpoint' : ''}`,
    });
    return tasks;
  },
};
