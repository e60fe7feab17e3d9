// The image registry (`image_registry.type: docker-registry`) on the image_registry group
// (docs/install.md). KubeKey runs distribution's registry in a docker container started by
// docker-compose; kk runs the same program — the `registry` binary taken out of the very
// `registry:<v>` image archive init downloads — as a systemd service, with the same config.yml.
// No docker engine or compose on registry hosts: one daemon less to install, patch and watch.
// Differences from KubeKey (docs/defaults-vs-kubekey.md):
// - the service runs as a system user owning the data directory, not as root in a container;
// - basic auth (htpasswd) when the operator chose a password other than KubeKey's default;
// - the health gate asks every registry host (and the VIP) for GET /v2/ over verified TLS;
// - the VIP is kept by the node's own keepalived package, with unicast peers;
// - Harbor is refused rather than half-installed.
import { createHash, X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import YAML from 'yaml';
import { UserError } from '../../../../shared/errors';
import type { ClusterModel } from '../../../model/cluster';
import { getBool, getMap, getNonEmptyString, getNumber, getString } from '../../../inventory/vars';
import type { CommandSpec } from '../../executor';
import type { StepInputs } from '../inputs';
import { fetchFile, script, service, writeFile, type InstallStep, type StepTask } from '../step';
import { NODE_ARTIFACTS, downgradeGuard, hostsIn, q } from './common';

export const REGISTRY_DIR = '/etc/docker-registry';
export const REGISTRY_SSL = `${REGISTRY_DIR}/ssl`;
export const REGISTRY_CONFIG = `${REGISTRY_DIR}/config.yml`;
export const REGISTRY_HTPASSWD = `${REGISTRY_DIR}/htpasswd`;
export const REGISTRY_BIN = '/usr/local/bin/docker-registry';
export const REGISTRY_UNIT = '/etc/systemd/system/docker-registry.service';
export const REGISTRY_USER = 'docker-registry';
export const KEEPALIVED_CONF = '/etc/keepalived/keepalived.conf';
export const KEEPALIVED_CHECK = '/etc/keepalived/check-registry.sh';
/** KubeKey's default password: left as is, the registry gets no authentication, as KubeKey's has none. */
export const DEFAULT_PASSWORD = 'Harbor12345';
const DEFAULT_ROOTDIR = '/var/lib/docker-registry/data';
/** KubeKey waits this long for the registry to answer, polling every 2 s. */
const GATE_TIMEOUT_S = 300;

const registryType = (m: ClusterModel): string => getString(m.vars, 'image_registry.type') ?? '';
const registryHosts = (m: ClusterModel): string[] => (['docker-registry', 'harbor'].includes(registryType(m)) ? hostsIn(m, 'image_registry') : []);
const noV = (v: string): string => v.replace(/^v/, '');

export const HARBOR_REFUSAL =
  'image_registry.type: harbor — kk does not install Harbor in this version: Harbor runs as a docker compose ' +
  'project of a dozen images, and kk installs neither docker compose nor those images on registry hosts. Nothing was installed. ' +
  "Either set image_registry.type: docker-registry (kk runs distribution's registry as a systemd service), or install Harbor " +
  'yourself, leave image_registry.type empty and point image_registry.auth (registry, username, password, ca_file) at it.';

export interface RegistrySettings {
  plainHttp: boolean;
  port: number;
  rootdir: string;
  /** Basic auth, or null for none (KubeKey's docker-registry has none). */
  auth: { username: string; password: string } | null;
  /** The keepalived VIP; null unless ha_vip is set and there are several registry hosts. */
  vip: string | null;
  hosts: string[];
}

/** `host:port/project` → port; null when auth.registry names none. */
function portOf(registry: string): number | null {
  const hostPort = registry.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '';
  const m = /^(?:\[[^\]]+\]|[^:]+):(\d+)$/.exec(hostPort);
  return m ? Number(m[1]) : null;
}

export function registrySettings(m: ClusterModel): RegistrySettings {
  const plainHttp = getBool(m.vars, 'image_registry.auth.plain_http') ?? false;
  // As KubeKey: an explicit port, else the one auth.registry names (clients reach the registry by it), else 443/80.
  const port =
    getNumber(m.vars, plainHttp ? 'image_registry.http_port' : 'image_registry.https_port') ??
    portOf(getString(m.vars, 'image_registry.auth.registry') ?? '') ??
    (plainHttp ? 80 : 443);
  const storage = getMap(m.vars, 'image_registry.docker_registry.storage') ?? {};
  const others = Object.keys(storage).filter((k) => k !== 'filesystem' && storage[k] !== null && storage[k] !== undefined);
  if (others.length > 0) {
    throw new UserError(
      `image_registry.docker_registry.storage.${others[0]}: kk runs docker-registry with filesystem storage only in this version; ` +
        'remove that key (the registry keeps its data in image_registry.docker_registry.storage.filesystem.rootdir)',
    );
  }
  if (getNonEmptyString(m.vars, 'image_registry.docker_registry.storage.filesystem.nfs_mount')) {
    throw new UserError(
      'image_registry.docker_registry.storage.filesystem.nfs_mount: kk does not mount NFS for the registry in this version; ' +
        'mount it at image_registry.docker_registry.storage.filesystem.rootdir yourself (e.g. in a pre_install hook) and remove nfs_mount',
    );
  }
  const rootdir = getNonEmptyString(m.vars, 'image_registry.docker_registry.storage.filesystem.rootdir') ?? DEFAULT_ROOTDIR;
  if (!path.posix.isAbsolute(rootdir)) throw new UserError(`image_registry.docker_registry.storage.filesystem.rootdir: ${rootdir} is not an absolute path`);
  const password = getString(m.vars, 'image_registry.auth.password') ?? '';
  const username = getNonEmptyString(m.vars, 'image_registry.auth.username') ?? 'admin';
  if (username.includes(':')) throw new UserError(`image_registry.auth.username: "${username}" contains ':', which htpasswd files cannot hold`);
  const hosts = hostsIn(m, 'image_registry');
  const vip = getNonEmptyString(m.vars, 'image_registry.ha_vip') ?? null;
  return {
    plainHttp,
    port,
    rootdir,
    hosts,
    auth: password !== '' && password !== DEFAULT_PASSWORD ? { username, password } : null,
    vip: vip && hosts.length > 1 ? vip : null,
  };
}

/** A value of the cluster's own PKI, stable across runs (so a re-run changes nothing) and not public. */
function derivedSecret(inputs: StepInputs, purpose: string, file: string): string {
  return createHash('sha256').update(`kk ${purpose}\n`).update(inputs.pki(file)).digest('hex');
}

/** distribution's config.yml (KubeKey's settings; docs/install.md). */
export function registryConfig(inputs: StepInputs, s: RegistrySettings): string {
  const http: Record<string, unknown> = {
    addr: `0.0.0.0:${s.port}`,
    // Shared by every registry host, so an upload begun through the VIP survives a failover.
    secret: derivedSecret(inputs, 'docker-registry http secret', 'image_registry.key'),
    relativeurls: false,
    draintimeout: '60s',
    ...(s.plainHttp ? {} : { tls: { certificate: `${REGISTRY_SSL}/server.crt`, key: `${REGISTRY_SSL}/server.key` } }),
    headers: { 'X-Content-Type-Options': ['nosniff'] },
    http2: { disabled: false },
  };
  const config = {
    version: 0.1,
    log: { accesslog: { disabled: true }, level: 'info', formatter: 'text', fields: { service: 'registry' } },
    storage: {
      filesystem: { rootdirectory: s.rootdir, maxthreads: 100 },
      delete: { enabled: false },
      redirect: { disable: false },
      cache: { blobdescriptor: 'inmemory' },
      maintenance: {
        uploadpurging: { enabled: true, age: '168h', interval: '24h', dryrun: false },
        readonly: { enabled: false },
      },
    },
    ...(s.auth ? { auth: { htpasswd: { realm: 'kk-registry', path: REGISTRY_HTPASSWD } } } : {}),
    http,
    health: { storagedriver: { enabled: true, interval: '10s', threshold: 3 } },
  };
  return `# Written by kk (docs/install.md); changing it here is undone by the next create cluster.\n${YAML.stringify(config)}`;
}

export const REGISTRY_UNIT_TEXT = `# Written by kk (docs/install.md).
[Unit]
Description=Docker Registry (distribution)
Documentation=https://distribution.github.io/distribution/
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${REGISTRY_USER}
Group=${REGISTRY_USER}
# Ports below 1024 without running as root.
AmbientCapabilities=CAP_NET_BIND_SERVICE
CapabilityBoundingSet=CAP_NET_BIND_SERVICE
NoNewPrivileges=true
# registry 3 exports traces to localhost:4318 unless told not to.
Environment=OTEL_TRACES_EXPORTER=none
ExecStart=${REGISTRY_BIN} serve ${REGISTRY_CONFIG}
Restart=always
RestartSec=5s
LimitNOFILE=65536

[Install]
WantedBy=multi-user.target
`;

export interface RegistryBinaryInstall {
  /** The docker-save archive of the registry image (gzip or plain tar). */
  archive: string;
  /** Target version, with or without a leading v. */
  version: string;
  dest: string;
  force: boolean;
}

/**
 * Installs distribution's `registry` binary out of a `docker save` archive of its image, only when
 * the installed one reports another version. Both layouts docker writes are read: manifest.json
 * naming the layer tars (every docker, and docker ≥ 25 beside the OCI files), or the OCI layout
 * alone (index.json → manifests → layer blobs). The last layer holding bin/registry wins, as in the
 * image's own filesystem. The new binary must report the wanted version before it replaces the old
 * one (a rename), so a wrong-architecture archive never lands.
 */
export function registryBinaryScript(t: RegistryBinaryInstall): string {
  const want = noV(t.version);
  return `want=${q(want)}
bin=${q(t.dest)}
archive=${q(t.archive)}
version_of() { "$1" --version 2>/dev/null | awk '{print $NF}' | sed 's/^v//'; }
have=$(version_of "$bin" || true)
if [ "$have" = "$want" ]; then echo "docker-registry $want already installed"; exit $UNCHANGED; fi
${downgradeGuard('docker-registry', t.force)}
# Beside the archive rather than in /tmp: a small tmpfs there may not hold the image.
tmp=$(mktemp -d "$(dirname "$archive")/.docker-registry-image.XXXXXX")
trap 'rm -rf "$tmp"; rm -f "$bin.kk-new"' EXIT
tar -xf "$archive" -C "$tmp"
cd "$tmp"
oci_layers() { # $1: an OCI index or manifest; prints its layer blobs in order ($2 bounds the nesting)
  local d f
  [ "$2" -le 3 ] || return 0
  for d in $(grep -o 'sha256:[0-9a-f]\\{64\\}' "$1" || true); do
    f=blobs/sha256/\${d#sha256:}
    [ -f "$f" ] || continue
    if [ "$(head -c1 "$f" | tr -d '\\0')" = '{' ]; then
      if grep -q '"manifests" *: *\\[\\|"layers" *: *\\[' "$f"; then oci_layers "$f" $(($2 + 1)); fi
    else
      echo "$f"
    fi
  done
}
layers=""
if [ -f manifest.json ]; then
  layers=$(grep -o '"Layers" *: *\\[[^]]*\\]' manifest.json | head -n1 | sed 's/^"Layers" *: *\\[//; s/\\]$//' | tr ',' '\\n' | sed 's/^ *"//; s/" *$//' || true)
elif [ -f index.json ]; then
  layers=$(oci_layers index.json 1)
fi
[ -n "$layers" ] || layers=$(find . -type f ! -name '*.json' ! -name oci-layout | sort)
layer=""; member=""
for l in $layers; do
  [ -f "$l" ] || continue
  m=$( { tar -tf "$l" 2>/dev/null || true; } | grep -xE '(\\./)?bin/registry' | sed -n 1p || true)
  if [ -n "$m" ]; then layer=$l; member=$m; fi
done
if [ -z "$layer" ]; then echo "no layer of $archive holds bin/registry: is it a docker save of the registry image?" >&2; exit 1; fi
mkdir "$tmp/.root"
tar -xf "$layer" -C "$tmp/.root" "$member"
install -D -m 0755 "$tmp/.root/$member" "$bin.kk-new"
got=$(version_of "$bin.kk-new" || true)
if [ "$got" != "$want" ]; then
  echo "the registry binary in $archive reports version '\${got:-(none)}', not $want (another architecture, or not the registry image?)" >&2; exit 1
fi
mv -f "$bin.kk-new" "$bin"
echo "docker-registry \${have:-(none)} -> $want (bin/registry of layer $layer)"`;
}

export interface GateTarget {
  name: string;
  url: string;
}

/**
 * Polls GET <url> for every target until each has answered 200, for up to `timeoutS`; fails
 * naming those that did not, with what they last said. Credentials, when the registry wants
 * them, come on stdin as a curl config line (never in the command line).
 */
export function registryGateScript(targets: GateTarget[], opts: { cacert: string | null; auth: boolean; timeoutS: number; intervalS: number }): string {
  const list = targets.map((t) => q(`${t.name}=${t.url}`)).join(' ');
  return `tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
args=(-sS -o /dev/null -w '%{http_code}' --connect-timeout 3 --max-time 5${opts.cacert ? ` --cacert ${q(opts.cacert)}` : ''})
${opts.auth ? `(umask 077; cat > "$tmp/auth"); args+=(-K "$tmp/auth")` : ''}
declare -A last
pending=(${list})
deadline=$((SECONDS + ${opts.timeoutS}))
while :; do
  left=()
  for t in "\${pending[@]}"; do
    name=\${t%%=*}; url=\${t#*=}
    code=$(curl "\${args[@]}" "$url" 2>"$tmp/err" || true)
    if [ "$code" = 200 ]; then echo "$name: $url answered 200"; continue; fi
    last[$name]="HTTP \${code:-000} $(tr '\\n' ' ' < "$tmp/err" | sed 's/ *$//')"
    left+=("$t")
  done
  pending=(\${left[@]+"\${left[@]}"})
  [ \${#pending[@]} -gt 0 ] || exit 0
  [ $SECONDS -lt $deadline ] || break
  sleep ${opts.intervalS}
done
for t in "\${pending[@]}"; do
  name=\${t%%=*}
  echo "the registry on $name did not answer GET \${t#*=} with 200 within ${opts.timeoutS} s (last: \${last[$name]})" >&2
done
exit 1`;
}

/** Installs keepalived from the node's package repositories when it is missing. */
export const KEEPALIVED_INSTALL = `if command -v keepalived >/dev/null 2>&1; then echo "keepalived is installed: $(keepalived --version 2>&1 | head -n1)"; exit $UNCHANGED; fi
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y keepalived || { apt-get update && apt-get install -y keepalived; } || true
elif command -v dnf >/dev/null 2>&1; then dnf install -y keepalived || true
elif command -v yum >/dev/null 2>&1; then yum install -y keepalived || true
fi
if ! command -v keepalived >/dev/null 2>&1; then
  echo "keepalived is missing and could not be installed from this node's package repositories (apt-get/dnf/yum): install the keepalived package (offline: from the OS installation media) and run create cluster again, or unset image_registry.ha_vip" >&2
  exit 1
fi
echo "installed $(keepalived --version 2>&1 | head -n1)"`;

/** Installs htpasswd (Apache's tool: it makes the bcrypt entries distribution reads) when missing. */
const HTPASSWD_TOOL = `if ! command -v htpasswd >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y apache2-utils >&2 || { apt-get update >&2 && apt-get install -y apache2-utils >&2; } || true
  elif command -v dnf >/dev/null 2>&1; then dnf install -y httpd-tools >&2 || true
  elif command -v yum >/dev/null 2>&1; then yum install -y httpd-tools >&2 || true
  fi
  command -v htpasswd >/dev/null 2>&1 || { echo "htpasswd is missing and could not be installed (apache2-utils / httpd-tools): install it, or leave image_registry.auth.password at its default for a registry without authentication" >&2; exit 1; }
fi`;

/** The htpasswd file for one user, the password read from stdin; unchanged when it already verifies. */
export function htpasswdScript(file: string, user: string, group: string): string {
  return `${HTPASSWD_TOOL}
pw=$(cat)
f=${q(file)}
if [ -f "$f" ] && [ "$(wc -l < "$f")" -eq 1 ] && [ "$(stat -c '%a %U %G' "$f")" = ${q(`640 root ${group}`)} ] \\
  && printf '%s\\n' "$pw" | htpasswd -iv "$f" ${q(user)} >/dev/null 2>&1; then
  echo "${file} already holds ${user}"; exit $UNCHANGED
fi
tmp=$(mktemp "$(dirname "$f")/.htpasswd.XXXXXX"); trap 'rm -f "$tmp"' EXIT
printf '%s\\n' "$pw" | htpasswd -iBc "$tmp" ${q(user)}
chown root:${q(group)} "$tmp"; chmod 0640 "$tmp"
mv -f "$tmp" "$f"`;
}

/** keepalived.conf for one registry host; @INTERFACE@ is filled in on the node. */
export function keepalivedConf(inputs: StepInputs, s: RegistrySettings, host: string): string {
  const vip = s.vip ?? '';
  const peers = s.hosts
    .filter((h) => h !== host)
    .map((h) => `    ${inputs.ipv4(h)}`)
    .join('\n');
  // VRRP's PASS authentication is a shared word of at most 8 characters, not a secret on the wire;
  // it keeps this cluster's routers apart from another group on the same router id.
  const pass = derivedSecret(inputs, 'keepalived auth_pass', 'root.crt').slice(0, 8);
  return `# Written by kk (docs/install.md): the image registry's virtual IP.
global_defs {
  script_user root
  enable_script_security
}

vrrp_script chk_registry {
  script "${KEEPALIVED_CHECK}"
  interval 10
  fall 2
  rise 2
}

vrrp_instance VI_1 {
  state ${host === s.hosts[0] ? 'MASTER' : 'BACKUP'}
  interface @INTERFACE@
  virtual_router_id 31
  priority 50
  advert_int 1
  # Unicast, so VRRP also works where multicast is filtered (most clouds).
  unicast_src_ip ${inputs.ipv4(host)}
  unicast_peer {
${peers}
  }
  authentication {
    auth_type PASS
    auth_pass ${pass}
  }
  virtual_ipaddress {
    ${vip}
  }
  track_script {
    chk_registry
  }
}
`;
}

export const keepalivedCheck = (port: number): string => `#!/bin/bash
# Written by kk (docs/install.md): keepalived gives the registry VIP up while this fails.
exec timeout 2 bash -c ':</dev/tcp/127.0.0.1/${port}' 2>/dev/null
`;

/**
 * Writes `conf` (0600) with @INTERFACE@ replaced by the interface whose IPv4 subnet holds `vip`
 * (from `ip -o -4 addr`, container and loopback interfaces left out); unchanged when identical.
 */
export function keepalivedConfScript(conf: string, vip: string, dest: string): string {
  return `vip=${q(vip)}
dest=${q(dest)}
ip2int() { local IFS=.; set -- $1; echo $(( ($1 << 24) + ($2 << 16) + ($3 << 8) + $4 )); }
v=$(ip2int "$vip")
iface=""
while read -r _ dev _ cidr _; do
  dev=\${dev%@*}
  case "$dev" in lo|docker*|br-*|veth*|cali*|flannel*|cni*|kube-ipvs*) continue ;; esac
  addr=\${cidr%/*}; len=\${cidr#*/}
  # The VIP itself, once held, is no evidence of the subnet.
  [ "$addr" != "$vip" ] || continue
  mask=$(( len == 0 ? 0 : (0xFFFFFFFF << (32 - len)) & 0xFFFFFFFF ))
  if [ $(( $(ip2int "$addr") & mask )) -eq $(( v & mask )) ]; then iface=$dev; break; fi
done < <(ip -o -4 addr show)
if [ -z "$iface" ]; then
  echo "no interface of $(uname -n) has an IPv4 subnet holding image_registry.ha_vip $vip:" >&2
  ip -o -4 addr show >&2 || true
  exit 1
fi
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp "$(dirname "$dest")/.keepalived.conf.XXXXXX"); trap 'rm -f "$tmp"' EXIT
sed "s/@INTERFACE@/$iface/" > "$tmp" <<'KK_KEEPALIVED_CONF'
${conf.replace(/\n$/, '')}
KK_KEEPALIVED_CONF
if cmp -s "$tmp" "$dest" && [ "$(stat -c %a "$dest")" = 600 ]; then echo "$dest is current (VIP $vip on $iface)"; exit $UNCHANGED; fi
chmod 0600 "$tmp"; mv -f "$tmp" "$dest"
echo "$dest: VIP $vip on $iface"`;
}

/** A writeFile owned by a given user and group (the registry reads its key and config as itself). */
function ownedFile(file: string, text: string, mode: number, owner: string, group: string): CommandSpec {
  return { writeFile: { path: file, text, mode, makeParents: true, owner, group } };
}

function withStdin(spec: CommandSpec, stdin: string): CommandSpec {
  if (!('exec' in spec)) throw new Error('stdin is for exec commands only');
  return { exec: { ...spec.exec, stdin: Buffer.from(stdin) } };
}

/** curl's config syntax for `user = "name:password"`. */
const curlUser = (u: string, p: string): string => `user = "${`${u}:${p}`.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"\n`;

function dockerRegistryTasks(inputs: StepInputs, s: RegistrySettings, host: string): StepTask[] {
  const arch = inputs.arch(host);
  const art = inputs.artifact('docker-registry', arch);
  const archive = `${NODE_ARTIFACTS}/docker-registry/${art.dest.split('/').pop()}`;
  const tasks: StepTask[] = [
    { task: 'fetch image archive', spec: fetchFile(art.sha256, archive), description: `fetch ${art.id} (sha256 ${art.sha256.slice(0, 12)}…) to ${archive}` },
    {
      task: 'install binary',
      spec: script(registryBinaryScript({ archive, version: art.version, dest: REGISTRY_BIN, force: inputs.force }), { timeoutMs: 600_000 }),
      description: `${REGISTRY_BIN} ${noV(art.version)} from the registry image's bin/registry (only when the installed version differs)`,
    },
    {
      task: 'user and data dir',
      spec: script(`changed=0
if ! getent passwd ${REGISTRY_USER} >/dev/null; then
  useradd --system --user-group --no-create-home --home-dir ${q(s.rootdir)} --shell "$(command -v nologin || echo /bin/false)" ${REGISTRY_USER}; changed=1
fi
if [ ! -d ${q(s.rootdir)} ]; then install -d -m 0750 -o ${REGISTRY_USER} -g ${REGISTRY_USER} ${q(s.rootdir)}; changed=1
elif [ "$(stat -c %U ${q(s.rootdir)})" != ${REGISTRY_USER} ]; then chown -R ${REGISTRY_USER}:${REGISTRY_USER} ${q(s.rootdir)}; changed=1
fi
[ $changed = 1 ] || exit $UNCHANGED`),
      description: `system user ${REGISTRY_USER}, owning the data dir ${s.rootdir}`,
    },
  ];
  const restartOn = ['install binary', 'user and data dir'];
  if (!s.plainHttp) {
    tasks.push(
      {
        task: 'write ca.crt',
        spec: writeFile(`${REGISTRY_SSL}/ca.crt`, inputs.pki('root.crt'), 0o644),
        description: `${REGISTRY_SSL}/ca.crt ← pki/root.crt (for the health check)`,
      },
      {
        task: 'write server.crt',
        spec: writeFile(`${REGISTRY_SSL}/server.crt`, inputs.pki('image_registry.crt'), 0o644),
        description: `${REGISTRY_SSL}/server.crt ← pki/image_registry.crt`,
      },
      {
        task: 'write server.key',
        spec: ownedFile(`${REGISTRY_SSL}/server.key`, inputs.pki('image_registry.key'), 0o600, REGISTRY_USER, REGISTRY_USER),
        description: `${REGISTRY_SSL}/server.key ← pki/image_registry.key (0600, ${REGISTRY_USER})`,
      },
    );
    restartOn.push('write server.crt', 'write server.key');
  }
  if (s.auth) {
    tasks.push({
      task: 'write htpasswd',
      spec: withStdin(script(htpasswdScript(REGISTRY_HTPASSWD, s.auth.username, REGISTRY_USER), { timeoutMs: 600_000 }), s.auth.password),
      description: `${REGISTRY_HTPASSWD}: basic auth for ${s.auth.username} (image_registry.auth.password is not the default)`,
    });
    restartOn.push('write htpasswd');
  }
  tasks.push(
    {
      task: 'write config.yml',
      spec: ownedFile(REGISTRY_CONFIG, registryConfig(inputs, s), 0o640, 'root', REGISTRY_USER),
      description: `${REGISTRY_CONFIG} (${s.plainHttp ? 'http' : 'https'} on :${s.port})`,
    },
    { task: 'write unit', spec: writeFile(REGISTRY_UNIT, REGISTRY_UNIT_TEXT), description: REGISTRY_UNIT },
    { task: 'daemon-reload', spec: service('', 'daemon-reload'), description: 'systemctl daemon-reload', onlyIfChanged: ['write unit'] },
    { task: 'enable', spec: service('docker-registry.service', 'enable'), description: 'systemctl enable docker-registry' },
    {
      task: 'restart',
      spec: service('docker-registry.service', 'restart', 120_000),
      waitMs: 180_000,
      description: 'restart docker-registry when its binary, data dir, certificates, credentials, config or unit changed',
      onlyIfChanged: [...restartOn, 'write config.yml', 'write unit'],
    },
    { task: 'start', spec: service('docker-registry.service', 'start', 120_000), waitMs: 180_000, description: 'start docker-registry if it is not running' },
  );
  if (s.vip) {
    tasks.push(
      { task: 'install keepalived', spec: script(KEEPALIVED_INSTALL, { timeoutMs: 600_000 }), description: 'keepalived from the OS packages (when missing)' },
      { task: 'write check script', spec: writeFile(KEEPALIVED_CHECK, keepalivedCheck(s.port), 0o755), description: `${KEEPALIVED_CHECK}: is :${s.port} open` },
      {
        task: 'write keepalived.conf',
        spec: script(keepalivedConfScript(keepalivedConf(inputs, s, host), s.vip, KEEPALIVED_CONF)),
        description: `${KEEPALIVED_CONF}: VIP ${s.vip} (${host === s.hosts[0] ? 'MASTER' : 'BACKUP'}) on the interface whose subnet holds it`,
      },
      { task: 'enable keepalived', spec: service('keepalived.service', 'enable'), description: 'systemctl enable keepalived' },
      {
        task: 'restart keepalived',
        spec: service('keepalived.service', 'restart', 60_000),
        waitMs: 90_000,
        description: 'restart keepalived when it was installed or its configuration changed',
        onlyIfChanged: ['install keepalived', 'write check script', 'write keepalived.conf'],
      },
      { task: 'start keepalived', spec: service('keepalived.service', 'start', 60_000), waitMs: 90_000, description: 'start keepalived if it is not running' },
    );
  }
  return tasks;
}

/**
 * Refuses, before anything is installed, a registry certificate that clients could not verify: it
 * must name the host's address, the VIP and the name in image_registry.auth.registry.
 */
export function checkCertificateNames(inputs: StepInputs, host: string, s: RegistrySettings): void {
  const pem = inputs.pki('image_registry.crt');
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return; // not a certificate yet (a dry run before init): init reports that itself
  }
  const names = [inputs.ipv4(host), ...(s.vip ? [s.vip] : [])];
  const auth = (getString(inputs.model.vars, 'image_registry.auth.registry') ?? '')
    .replace(/^[a-z]+:\/\//, '')
    .split('/')[0]!
    .replace(/:\d+$/, '');
  if (auth) names.push(auth);
  const missing = [...new Set(names)].filter((n) => (isIP(n) ? cert.checkIP(n) === undefined : cert.checkHost(n) === undefined));
  if (missing.length > 0) {
    throw new UserError(
      `the image registry certificate (pki/image_registry.crt) does not name ${missing.join(', ')} (${host}'s registry is reached by ${missing.length > 1 ? 'these' : 'it'}): ` +
        'clients would refuse it. Let init make it again (certs.image_registry.gen_cert_policy: IfNotPresent or Always, then create cluster), or issue one with these names',
    );
  }
}

export const registryStep: InstallStep = {
  name: 'image-registry',
  title: 'image registry (docker-registry, systemd)',
  hosts: registryHosts,
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    if (registryType(inputs.model) === 'harbor') throw new UserError(HARBOR_REFUSAL);
    const settings = registrySettings(inputs.model);
    if (!settings.plainHttp) checkCertificateNames(inputs, host, settings);
    return dockerRegistryTasks(inputs, settings, host);
  },
  gate(inputs, hosts) {
    if (registryType(inputs.model) !== 'docker-registry' || hosts.length === 0) return null;
    const s = registrySettings(inputs.model);
    const scheme = s.plainHttp ? 'http' : 'https';
    const url = (addr: string): string => `${scheme}://${addr.includes(':') ? `[${addr}]` : addr}:${s.port}/v2/`;
    const targets: GateTarget[] = hosts.map((h) => ({ name: h, url: url(inputs.ipv4(h)) }));
    if (s.vip) targets.push({ name: `ha_vip ${s.vip}`, url: url(s.vip) });
    const first = hosts[0]!;
    const gateScript = registryGateScript(targets, {
      cacert: s.plainHttp ? null : `${REGISTRY_SSL}/ca.crt`,
      auth: !!s.auth,
      timeoutS: GATE_TIMEOUT_S,
      intervalS: 2,
    });
    const spec = script(gateScript, { timeoutMs: (GATE_TIMEOUT_S + 60) * 1000 });
    return {
      host: first,
      task: {
        task: 'health',
        description: `from ${first}: GET /v2/ answers 200 on ${targets.map((t) => t.name).join(', ')} (up to ${GATE_TIMEOUT_S} s)`,
        spec: s.auth ? withStdin(spec, curlUser(s.auth.username, s.auth.password)) : spec,
        waitMs: (GATE_TIMEOUT_S + 90) * 1000,
      },
    };
  },
};
