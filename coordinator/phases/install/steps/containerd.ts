// The container runtime (KubeKey's cri role; docs/install.md) on every k8s_cluster host: crictl,
// the CNI plugins and containerd — or, for `cri.container_manager: docker`, docker with its
// containerd, and cri-dockerd from Kubernetes 1.24 on (renderers in ./docker.ts). What kk does
// differently (docs/defaults-vs-kubekey.md):
// - registries are configured in containerd's certs.d (`config_path`): one hosts.toml per
//   registry host with its mirrors, CA, client certificate and TLS/HTTP settings. The deprecated
//   `registry.mirrors` / `registry.configs.*.tls` tables are never written — containerd refuses
//   them next to config_path; only credentials stay in config.toml, hosts.toml having none;
// - an insecure registry is tried over HTTPS without verification first, then over HTTP, as
//   docker treats insecure registries;
// - config.toml (and daemon.json) follow the config policy described at `ownedFileScript`;
// - binaries are replaced only when their version differs, never downgraded without --force;
//   the CNI plugins keep a version marker, so a CNI's own copies in /opt/cni/bin are left alone;
// - containerd restarts only when its binaries, config.toml or unit changed: containerd reads
//   certs.d on every pull, so registry changes need no restart;
// - registries removed from the config are removed from certs.d;
// - every host ends with a check that the runtime answers over CRI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { UserError } from '../../../../shared/errors';
import type { Value, Vars } from '../../../model/cluster';
import { getBool, getMap, getNonEmptyString, getString, getStringList, getVar } from '../../../inventory/vars';
import { CONTAINER_MANAGERS } from '../../../config/vars-schema';
import type { StepInputs } from '../inputs';
import { fetchFile, script, service, writeFile, type InstallStep, type StepTask } from '../step';
import type { CommandSpec } from '../../executor';
import { binaryInstallScript, downgradeGuard, NODE_ARTIFACTS, hostsIn, q, tarballInstallScript } from './common';
import {
  CRI_DOCKERD_UNIT,
  DAEMON_MERGE_PY,
  DOCKERSHIM_SOCKET,
  DOCKER_CERTS_D,
  DOCKER_DAEMON_JSON,
  DOCKER_DAEMON_MARKER,
  DOCKER_REINSTALLED,
  DOCKER_TARBALL_FILES,
  DOCKER_UNIT,
  DOCKER_UNIT_TEXT,
  criDockerdUnit,
  daemonJson,
  dockerCertFiles,
  overlay,
} from './docker';

export const CONTAINERD_CONFIG = '/etc/containerd/config.toml';
export const CONTAINERD_CERTS_D = '/etc/containerd/certs.d';
/** Node-local containerd settings under `config_policy: merge` (containerd's own `imports`). */
export const CONTAINERD_DROP_INS = '/etc/containerd/conf.d/*.toml';
export const CONTAINERD_UNIT = '/etc/systemd/system/containerd.service';
/** Left by the install task when it (re)installed containerd: config.toml is rewritten whatever the policy. */
export const CONTAINERD_REINSTALLED = '/etc/containerd/.kk-reinstalled';
/** The sha256 of the config.toml kk wrote last: tells kk's own file from one changed on the node. */
export const CONTAINERD_CONFIG_MARKER = '/etc/containerd/.kk-config.toml.sha256';
export const CONTAINERD_SOCKET = '/run/containerd/containerd.sock';
export const CRICTL_YAML = '/etc/crictl.yaml';
export const CNI_BIN_DIR = '/opt/cni/bin';
/** The CNI plugins version kk installed last (the plugins themselves print none). */
export const CNI_MARKER = '.kk-cni-plugins-version';
/** The registry hosts kk wrote into a certs.d directory, so one dropped from the config is removed. */
export const REGISTRY_LIST = '.kk-registries';

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ENDPOINT = 'registry-1.docker.io';
const HUB_NAMES = new Set([DOCKER_HUB, 'index.docker.io', DOCKER_HUB_ENDPOINT]);
/** KubeKey's public mirror for zone cn: valid TLS, anonymous pulls — nothing to configure. */
const KUBESPHERE_HUB = 'hub.kubesphere.com.cn';

const noV = (v: string): string => v.replace(/^v/, '');
const hostVars = (inputs: StepInputs, host: string): Vars => inputs.model.hosts.find((h) => h.name === host)?.vars ?? inputs.model.vars;

/** Prints the installed version, without a leading v (nothing when absent); tested against real output lines. */
export const VERSION_PROBES = {
  runc: (bin: string): string => `${bin} --version | sed -nE 's/^runc version v?([^ ]+).*/\\1/p'`,
  crictl: (bin: string): string => `${bin} --version | sed -nE 's/^crictl version v?([^ ]+).*/\\1/p'`,
  containerd: (bin: string): string => `${bin} --version | sed -nE 's/^containerd [^ ]+ v?([0-9][^ ]*).*/\\1/p'`,
  dockerd: (bin: string): string => `${bin} --version | sed -nE 's/^Docker version v?([^,]+),.*/\\1/p'`,
  // cri-dockerd prints its version on stderr.
  criDockerd: (bin: string): string => `${bin} --version 2>&1 | sed -nE 's/^cri-dockerd v?([0-9][^ ]*).*/\\1/p'`,
};

// ---------------------------------------------------------------------------------------------
// Registries

/** How the runtime on a node reaches one registry host, gathered from every config key that names it. */
export interface RegistryTrust {
  /** As image references name it (`10.0.0.9`, `reg.example.com:5000`, `docker.io`): the certs.d directory. */
  host: string;
  /** `insecure`: HTTPS without verification first, then plain HTTP. */
  scheme: 'https' | 'http' | 'insecure';
  skipVerify: boolean;
  /** PEM text of the CA to trust. */
  ca: string | null;
  client: { cert: string; key: string } | null;
  auth: { username: string; password: string } | null;
  /** Tried before the registry itself (docker.io only: `cri.registry.mirrors`). */
  mirrors: { url: string; skipVerify: boolean }[];
  /** The config keys it came from, for the plan's descriptions. */
  from: string[];
}

/** The registry host of `reg.example.com:5000/project`, `https://reg`, `docker.io` … */
export function registryHost(registry: string): string {
  const h = registry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/.*$/, '');
  return HUB_NAMES.has(h) ? DOCKER_HUB : h;
}

function checkHost(host: string, key: string): string {
  // The host names a directory on every node: nothing that could leave certs.d.
  if (!/^[A-Za-z0-9][A-Za-z0-9._:[\]-]*$/.test(host) || host.includes('..')) {
    throw new UserError(`${key}: ${JSON.stringify(host)} is not a registry host (host, host:port or [ipv6]:port)`);
  }
  return host;
}

/** A file named in the config, read on the coordinator and sent to the nodes in signed commands. */
function readConfigFile(file: string, key: string, cwd: string): string {
  const full = path.resolve(cwd, file);
  try {
    return readFileSync(full, 'utf8');
  } catch (err) {
    throw new UserError(`${key}: cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

interface Draft {
  host: string;
  plain?: boolean;
  insecure?: boolean;
  skipVerify?: boolean;
  ca?: string;
  client?: { cert: string; key: string };
  auth?: { username: string; password: string };
  mirrors: { url: string; skipVerify: boolean }[];
  from: string[];
}

/**
 * Every registry the runtime needs settings for, in the order the config names them. The cluster
 * registry (`image_registry.auth`) first, then `cri.registry.auths` (an entry for the same host
 * overrides what it sets), `cri.registry.insecure_registries` and the docker.io mirrors.
 */
export function registries(inputs: StepInputs, vars: Vars): RegistryTrust[] {
  const drafts = new Map<string, Draft>();
  const draft = (host: string, key: string): Draft => {
    let d = drafts.get(host);
    if (!d) drafts.set(host, (d = { host: checkHost(host, key), mirrors: [], from: [] }));
    if (!d.from.includes(key)) d.from.push(key);
    return d;
  };

  const regType = getString(vars, 'image_registry.type') ?? '';
  const auth = getMap(vars, 'image_registry.auth') ?? {};
  const clusterRegistry = getNonEmptyString(auth, 'registry');
  if (clusterRegistry && (regType !== '' || registryHost(clusterRegistry) !== KUBESPHERE_HUB)) {
    const d = draft(registryHost(clusterRegistry), 'image_registry.auth');
    d.plain = getBool(auth, 'plain_http') ?? false;
    d.skipVerify = getBool(auth, 'skip_tls_verify') ?? regType === '';
    if (regType !== '') {
      // kk's registry serves a certificate signed by init's root CA; the client certificate is not
      // spread to every node — the registry does not ask for one.
      d.ca = inputs.pki('root.crt');
    } else {
      const ca = getNonEmptyString(auth, 'ca_file');
      if (ca) d.ca = readConfigFile(ca, 'image_registry.auth.ca_file', inputs.cwd);
      const cert = getNonEmptyString(auth, 'cert_file');
      const key = getNonEmptyString(auth, 'key_file');
      if (cert && key)
        d.client = {
          cert: readConfigFile(cert, 'image_registry.auth.cert_file', inputs.cwd),
          key: readConfigFile(key, 'image_registry.auth.key_file', inputs.cwd),
        };
    }
    const user = getNonEmptyString(auth, 'username');
    if (user) d.auth = { username: user, password: getString(auth, 'password') ?? '' };
  }

  const list = getVar(vars, 'cri.registry.auths');
  for (const [i, item] of (Array.isArray(list) ? list : []).entries()) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) continue;
    const key = `cri.registry.auths[${i}]`;
    const v = item as Vars;
    const registry = getNonEmptyString(v, 'registry') ?? getNonEmptyString(v, 'repo');
    if (!registry) throw new UserError(`${key}: registry is not set`);
    const d = draft(registryHost(registry), key);
    const plain = getBool(v, 'plain_http');
    if (plain !== undefined) d.plain = plain;
    const skip = getBool(v, 'skip_tls_verify');
    if (skip !== undefined) d.skipVerify = skip;
    const ca = getNonEmptyString(v, 'ca_file');
    if (ca) d.ca = readConfigFile(ca, `${key}.ca_file`, inputs.cwd);
    const cert = getNonEmptyString(v, 'cert_file');
    const keyFile = getNonEmptyString(v, 'key_file');
    if (!!cert !== !!keyFile) throw new UserError(`${key}: cert_file and key_file go together (a client certificate needs its key)`);
    if (cert && keyFile) d.client = { cert: readConfigFile(cert, `${key}.cert_file`, inputs.cwd), key: readConfigFile(keyFile, `${key}.key_file`, inputs.cwd) };
    const user = getNonEmptyString(v, 'username');
    if (user) d.auth = { username: user, password: getString(v, 'password') ?? '' };
  }

  const insecure = new Set<string>();
  for (const r of getStringList(vars, 'cri.registry.insecure_registries') ?? []) {
    if (r.trim() === '') continue;
    const host = registryHost(r);
    insecure.add(host);
    draft(host, 'cri.registry.insecure_registries').insecure = true;
  }

  const mirrors = (getStringList(vars, 'cri.registry.mirrors') ?? [])
    .map((m) => m.trim().replace(/\/+$/, ''))
    .filter((m) => m !== '')
    .map((m) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(m) ? m : `https://${m}`))
    // The default list names Docker Hub itself: that is the registry, not a mirror of it.
    .filter((m) => registryHost(m) !== DOCKER_HUB);
  if (mirrors.length > 0) {
    const d = draft(DOCKER_HUB, 'cri.registry.mirrors');
    for (const url of mirrors) {
      if (!d.mirrors.some((x) => x.url === url)) d.mirrors.push({ url, skipVerify: insecure.has(registryHost(url)) });
    }
  }

  return [...drafts.values()].map((d) => ({
    host: d.host,
    scheme: d.plain ? 'http' : d.insecure ? 'insecure' : 'https',
    skipVerify: d.skipVerify ?? false,
    ca: d.ca ?? null,
    client: d.client ?? null,
    auth: d.auth ?? null,
    mirrors: d.mirrors,
    from: d.from,
  }));
}

/** Settings beyond "HTTPS, verified against the system's CAs". */
const hasTransportSettings = (r: RegistryTrust): boolean => r.scheme !== 'https' || r.skipVerify || r.ca !== null || r.client !== null;
const needsHostsToml = (r: RegistryTrust): boolean => r.mirrors.length > 0 || hasTransportSettings(r);
/** The host requests actually go to (Docker Hub's API is not at docker.io): what credentials are keyed by. */
const endpointHost = (host: string): string => (host === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : host);

/**
 * containerd's hosts.toml for one registry. Every setting sits on a `[host."…"]` entry, because
 * containerd 1.6 and 1.7 cannot parse a hosts.toml without one and fall back to bare certificate
 * files, dropping `server` and `skip_verify`. `server` stays the registry itself, the last resort.
 */
export function hostsToml(r: RegistryTrust, dir = CONTAINERD_CERTS_D): string {
  const base = `${dir}/${r.host}`;
  const ep = endpointHost(r.host);
  const hosts: { [k: string]: Value } = {};
  for (const m of r.mirrors) hosts[m.url] = { capabilities: ['pull', 'resolve'], ...(m.skipVerify ? { skip_verify: true } : {}) };
  if (hasTransportSettings(r)) {
    const all = ['pull', 'resolve', 'push'];
    if (r.scheme !== 'http') {
      hosts[`https://${ep}`] = {
        capabilities: all,
        ...(r.ca ? { ca: `${base}/ca.crt` } : {}),
        ...(r.client ? { client: [[`${base}/client.crt`, `${base}/client.key`]] } : {}),
        ...(r.skipVerify || r.scheme === 'insecure' ? { skip_verify: true } : {}),
      };
    }
    if (r.scheme !== 'https') hosts[`http://${ep}`] = { capabilities: all };
  }
  const server = `${r.scheme === 'http' || r.scheme === 'insecure' ? 'http' : 'https'}://${ep}`;
  return (
    `# Written by kk (docs/install.md) from ${r.from.join(', ')}: how containerd reaches ${r.host}.\n` +
    `# The next create cluster undoes changes made here.\n${toToml({ server, host: hosts })}`
  );
}

/** containerd's files for one registry: hosts.toml and the CA / client certificate it points at. */
export function containerdRegistryFiles(r: RegistryTrust): { path: string; content: string; mode: number }[] {
  if (!needsHostsToml(r)) return [];
  const dir = `${CONTAINERD_CERTS_D}/${r.host}`;
  const out: { path: string; content: string; mode: number }[] = [];
  if (r.ca && r.scheme !== 'http') out.push({ path: `${dir}/ca.crt`, content: r.ca, mode: 0o644 });
  if (r.client && r.scheme !== 'http') {
    out.push({ path: `${dir}/client.crt`, content: r.client.cert, mode: 0o644 });
    out.push({ path: `${dir}/client.key`, content: r.client.key, mode: 0o600 });
  }
  out.push({ path: `${dir}/hosts.toml`, content: hostsToml(r), mode: 0o644 });
  return out;
}

/**
 * Removes the registry directories kk wrote into `dir` on an earlier run and no longer
 * configures (a dropped mirror or CA must stop applying), then records the current list.
 * Directories kk did not write are never touched.
 */
export function pruneRegistriesScript(dir: string, hosts: string[]): string {
  return `dir=${q(dir)}
list="$dir/${REGISTRY_LIST}"
want=$(printf '%s\\n' ${hosts.map(q).join(' ')} | sed '/^$/d' | sort -u)
removed=0
if [ -f "$list" ]; then
  while IFS= read -r h; do
    case "$h" in ''|.|..|*/*) continue ;; esac
    if ! printf '%s\\n' "$want" | grep -qxF -- "$h"; then
      rm -rf -- "\${dir:?}/$h"; echo "removed $dir/$h (no longer in the config)"; removed=1
    fi
  done < "$list"
fi
if [ -n "$want" ] || [ -f "$list" ]; then
  mkdir -p "$dir"
  [ "$(cat "$list" 2>/dev/null || true)" = "$want" ] || printf '%s\\n' "$want" > "$list"
fi
[ $removed = 1 ] || exit $UNCHANGED`;
}

// ---------------------------------------------------------------------------------------------
// TOML (containerd's configuration format)

type Tree = { [k: string]: Value };
const isTree = (v: Value | undefined): v is Tree => typeof v === 'object' && v !== null && !Array.isArray(v);
const tomlKey = (k: string): string => (/^[A-Za-z0-9_-]+$/.test(k) ? k : tomlString(k));
// JSON's escapes are TOML's, except that TOML wants DEL escaped too.
const tomlString = (s: string): string => JSON.stringify(s).replace(/\u007f/g, '\\u007F');

function tomlValue(v: Value, at: string): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new UserError(`${at}: ${v} cannot be written to TOML`);
    return String(v);
  }
  if (Array.isArray(v))
    return `[${v
      .filter((x) => x !== null)
      .map((x, i) => tomlValue(x, `${at}[${i}]`))
      .join(', ')}]`;
  if (v === null) throw new UserError(`${at}: null cannot be written to TOML`);
  return `{ ${Object.entries(v)
    .filter(([, x]) => x !== null)
    .map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x, `${at}.${k}`)}`)
    .join(', ')} }`;
}

/** A tree as TOML: a table's plain keys first, then its sub-tables; null values are left out. */
export function toToml(tree: Tree, at: string[] = []): string {
  const plain: string[] = [];
  const tables: [string, Tree][] = [];
  for (const [k, v] of Object.entries(tree)) {
    if (v === null) continue;
    if (isTree(v)) tables.push([k, v]);
    else plain.push(`${tomlKey(k)} = ${tomlValue(v, [...at, k].join('.'))}\n`);
  }
  let out = '';
  if (at.length > 0 && (plain.length > 0 || tables.length === 0)) out += `\n[${at.map(tomlKey).join('.')}]\n`;
  out += plain.join('');
  for (const [k, v] of tables) out += toToml(v, [...at, k]);
  return out;
}

// ---------------------------------------------------------------------------------------------
// containerd

const CRI_PLUGIN = 'io.containerd.grpc.v1.cri';

/** The pause image every pod sandbox runs: `kubernetes.sandbox_image` as registry/repository:tag. */
export function sandboxImage(vars: Vars): string {
  const registry = getNonEmptyString(vars, 'kubernetes.sandbox_image.registry');
  const repository = getNonEmptyString(vars, 'kubernetes.sandbox_image.repository') ?? 'pause';
  const tag = getNonEmptyString(vars, 'kubernetes.sandbox_image.tag');
  if (!tag) throw new UserError('kubernetes.sandbox_image.tag is not set (it comes with kubernetes.kube_version)');
  return `${registry ? `${registry.replace(/\/+$/, '')}/` : ''}${repository}:${tag}`;
}

type ConfigPolicy = '' | 'merge' | 'override';
function policy(vars: Vars, key: string): ConfigPolicy {
  const p = getString(vars, key) ?? '';
  if (p !== '' && p !== 'merge' && p !== 'override') throw new UserError(`${key}: ${JSON.stringify(p)} is not one of "", merge, override`);
  return p;
}

/** The socket path of a `unix://` CRI endpoint (/var/run is /run on every supported OS). */
const socketPath = (endpoint: string): string => endpoint.replace(/^unix:\/\//, '').replace(/^\/var\/run\//, '/run/');

/**
 * `/etc/containerd/config.toml` (version 2, which containerd 2 still reads): KubeKey's settings,
 * registries through certs.d, credentials in `registry.configs.<host>.auth`, then the config's
 * `cri.containerd.config` map laid on top (a null there removes one of kk's keys). With
 * `config_policy: merge` it imports the node's drop-ins from /etc/containerd/conf.d.
 */
export function containerdConfig(vars: Vars, regs: RegistryTrust[], opts: { address: string; merge: boolean }): { text: string; mode: number } {
  const auths: Tree = {};
  for (const r of regs) if (r.auth) auths[endpointHost(r.host)] = { auth: { username: r.auth.username, password: r.auth.password } };
  const base: Tree = {
    version: 2,
    root: getNonEmptyString(vars, 'cri.containerd.data_root') ?? '/var/lib/containerd',
    state: '/run/containerd',
    ...(opts.merge ? { imports: [CONTAINERD_DROP_INS] } : {}),
    grpc: { address: opts.address, uid: 0, gid: 0, max_recv_message_size: 16777216, max_send_message_size: 16777216 },
    timeouts: {
      'io.containerd.timeout.shim.cleanup': '5s',
      'io.containerd.timeout.shim.load': '5s',
      'io.containerd.timeout.shim.shutdown': '3s',
      'io.containerd.timeout.task.state': '2s',
    },
    plugins: {
      [CRI_PLUGIN]: {
        sandbox_image: sandboxImage(vars),
        cni: { bin_dir: CNI_BIN_DIR, conf_dir: '/etc/cni/net.d', max_conf_num: 1 },
        containerd: {
          default_runtime_name: 'runc',
          runtimes: {
            runc: { runtime_type: 'io.containerd.runc.v2', options: { SystemdCgroup: (getString(vars, 'cri.cgroup_driver') ?? 'systemd') === 'systemd' } },
          },
        },
        registry: { config_path: CONTAINERD_CERTS_D, ...(Object.keys(auths).length > 0 ? { configs: auths } : {}) },
      },
    },
  };
  const user = getMap(vars, 'cri.containerd.config');
  const reg = getVar(user ?? {}, ['plugins', CRI_PLUGIN, 'registry']);
  if (isTree(reg) && (reg.mirrors != null || (isTree(reg.configs) && Object.values(reg.configs).some((c) => isTree(c) && c.tls != null)))) {
    throw new UserError(
      `cri.containerd.config sets plugins."${CRI_PLUGIN}".registry.mirrors or .configs.*.tls, which containerd refuses next to config_path: ` +
        'configure registries with cri.registry.mirrors, cri.registry.insecure_registries and cri.registry.auths',
    );
  }
  const text = `# Written by kk (docs/install.md); cri.containerd.config_policy says what happens to changes made here.\n${toToml(overlay(base, user))}`;
  // Registry passwords are in it then.
  return { text, mode: Object.keys(auths).length > 0 ? 0o600 : 0o644 };
}

export const CONTAINERD_UNIT_TEXT = `# Written by kk (docs/install.md).
[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`;

export const crictlYaml = (endpoint: string): string => `# Written by kk (docs/install.md).
runtime-endpoint: ${endpoint}
image-endpoint: ${endpoint}
timeout: 5
debug: false
pull-image-on-create: false
`;

// ---------------------------------------------------------------------------------------------
// Node-side scripts

/**
 * Installs the CNI plugins from their tarball when the version kk installed last differs. Only the
 * tarball's executables are replaced: plugins a CNI put there (calico, cilium …) are kept.
 */
export function cniPluginsScript(c: { version: string; tarball: string; binDir: string; force: boolean }): string {
  return `want=${q(c.version)}
bin=${q(c.binDir)}
have=$(cat "$bin/${CNI_MARKER}" 2>/dev/null || true)
if [ "$have" = "$want" ]; then echo "CNI plugins $want already installed"; exit $UNCHANGED; fi
${downgradeGuard('the CNI plugins', c.force)}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
tar -xzf ${q(c.tarball)} -C "$tmp"
install -d -m 0755 "$bin"
n=0
for f in "$tmp"/*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  b=\${f##*/}
  install -m 0755 "$f" "$bin/.$b.kk-new" && mv -f "$bin/.$b.kk-new" "$bin/$b"
  n=$((n + 1))
done
if [ $n = 0 ]; then echo "no plugins in ${c.tarball}" >&2; exit 1; fi
printf '%s\\n' "$want" > "$bin/${CNI_MARKER}.kk-new" && mv -f "$bin/${CNI_MARKER}.kk-new" "$bin/${CNI_MARKER}"
echo "CNI plugins \${have:-(none)} -> $want ($n plugins in $bin)"`;
}

export interface OwnedFile {
  path: string;
  content: string;
  mode: number;
  /** Holds the sha256 of what kk wrote last. */
  marker: string;
  /** Present when the install task has just (re)installed the program the file configures. */
  reinstalled: string;
  /** The config key of the policy, for messages. */
  key: string;
  policy: ConfigPolicy;
  /** `merge` lays kk's JSON onto the node's file (daemon.json); otherwise merge writes like override. */
  jsonMerge?: boolean;
}

/**
 * A runtime config file (config.toml, daemon.json) under its policy:
 * - `''` (default): kk owns the file unless someone changed it. It is written when absent, when
 *   the node's file is still the one kk wrote last (so a changed config reaches the nodes), and
 *   when the runtime was (re)installed in this run (as KubeKey does); a file changed on the node
 *   since kk wrote it — or one kk never wrote, on a node whose runtime kk did not install — is kept,
 *   and the task says so.
 * - `override`: always kk's file.
 * - `merge`: config.toml imports the node's drop-ins (containerd merges them over kk's file, one
 *   table at a time); daemon.json is the node's file with kk's keys laid onto it.
 * A file kk replaces that it did not write is kept next to it as `<file>.<time>.kk-bak`.
 */
export function ownedFileScript(f: OwnedFile): CommandSpec {
  const mode = f.mode.toString(8);
  const keep = f.policy === '';
  const merge =
    f.jsonMerge && f.policy === 'merge'
      ? `if [ -f "$target" ]; then
  py=$(command -v python3 || command -v /usr/libexec/platform-python || true)
  if [ -z "$py" ]; then echo "${f.key}: merge needs python3 on the node to merge $target; install python3 or choose another policy" >&2; exit 1; fi
  "$py" -c ${q(DAEMON_MERGE_PY)} "$target" "$new" > "$new.merged"
  mv -f "$new.merged" "$new"
fi
`
      : '';
  return script(
    `target=${q(f.path)}
marker=${q(f.marker)}
reinstalled=${q(f.reinstalled)}
replace=${keep ? 0 : 1}
new=$(mktemp); trap 'rm -f "$new" "$new.merged"' EXIT
printf '%s' "$KK_CONTENT" | base64 -d > "$new"
${merge}sum() { sha256sum "$1" | cut -d' ' -f1; }
want=$(sum "$new")
last=$(cat "$marker" 2>/dev/null || true)
have=
[ ! -f "$target" ] || have=$(sum "$target")
put() {
  install -D -m ${mode} "$new" "$target.kk-new" && mv -f "$target.kk-new" "$target"
  printf '%s\\n' "$want" > "$marker"
  rm -f "$reinstalled"
}
if [ "$have" = "$want" ]; then
  [ "$last" = "$want" ] || printf '%s\\n' "$want" > "$marker"
  rm -f "$reinstalled"
  if [ "$(stat -c %a "$target")" != ${q(mode)} ]; then chmod ${mode} "$target"; echo "$target: mode ${mode}"; exit 0; fi
  echo "$target is up to date"; exit $UNCHANGED
fi
if [ -z "$have" ]; then put; echo "$target written"; exit 0; fi
if [ "$have" = "$last" ]; then put; echo "$target updated"; exit 0; fi
if [ "$replace" = 1 ] || [ -e "$reinstalled" ]; then
  bak="$target.$(date +%Y%m%d-%H%M%S).kk-bak"
  cp -p "$target" "$bak"
  put
  echo "$target replaced; the previous file is kept as $bak"; exit 0
fi
echo "$target kept: it was changed on this node after kk wrote it, or kk did not write it (${f.key}: override replaces it)" >&2
exit $UNCHANGED`,
    { env: { KK_CONTENT: Buffer.from(f.content).toString('base64') } },
  );
}

/** The last task on every host: the runtime answers (retrying while a restarted one comes up). */
function runtimeCheck(endpoint: string | null): StepTask {
  const probe = endpoint ? `/usr/local/bin/crictl --runtime-endpoint ${q(endpoint)} info` : '/usr/local/bin/docker info';
  const what = endpoint ? `crictl info on ${endpoint}` : 'docker info';
  return {
    task: 'runtime answers',
    always: true,
    description: `${what} answers (retried for 60 s)`,
    spec: script(
      `for i in $(seq 1 30); do
  if out=$(${probe} 2>&1); then echo "the runtime answers: ${what}"; exit $UNCHANGED; fi
  sleep 2
done
printf '%s\\n' "$out" >&2
echo "the container runtime does not answer (${what})" >&2
exit 1`,
      { timeoutMs: 90_000 },
    ),
    waitMs: 150_000,
  };
}

// ---------------------------------------------------------------------------------------------
// The step

interface HostPlan {
  inputs: StepInputs;
  host: string;
  vars: Vars;
  arch: string;
  regs: RegistryTrust[];
}

const fetchTask = (name: string, sha256: string, dest: string, id: string): StepTask => ({
  task: `fetch ${name}`,
  spec: fetchFile(sha256, dest),
  description: `fetch ${id} (sha256 ${sha256.slice(0, 12)}…) to ${dest}`,
});
const nodePath = (name: string, dest: string): string => `${NODE_ARTIFACTS}/${name}/${dest.split('/').pop()}`;

function fileTasks(files: { path: string; content: string; mode: number }[], what: (p: string) => string): StepTask[] {
  return files.map((f) => ({ task: `write ${f.path}`, spec: writeFile(f.path, f.content, f.mode), description: what(f.path) }));
}

/** CNI plugins and crictl: the same for both container managers. */
function commonTasks(p: HostPlan, crictlEndpoint: string): StepTask[] {
  const { inputs, arch } = p;
  const cni = inputs.artifact('cni-plugins', arch);
  const cniTar = nodePath('cni-plugins', cni.dest);
  const crictl = inputs.artifact('crictl', arch);
  const crictlTar = nodePath('crictl', crictl.dest);
  return [
    fetchTask('cni-plugins', cni.sha256, cniTar, cni.id),
    {
      task: 'install cni-plugins',
      spec: script(cniPluginsScript({ version: cni.version, tarball: cniTar, binDir: CNI_BIN_DIR, force: inputs.force })),
      description: `CNI plugins ${cni.version} → ${CNI_BIN_DIR} (only when the version kk installed differs)`,
    },
    fetchTask('crictl', crictl.sha256, crictlTar, crictl.id),
    {
      task: 'install crictl',
      spec: script(
        tarballInstallScript({
          name: 'crictl',
          version: noV(crictl.version),
          tarball: crictlTar,
          force: inputs.force,
          files: { crictl: '/usr/local/bin/crictl' },
          installedVersion: VERSION_PROBES.crictl('/usr/local/bin/crictl'),
        }),
      ),
      description: `crictl ${crictl.version} → /usr/local/bin (only when the installed version differs)`,
    },
    { task: 'write crictl.yaml', spec: writeFile(CRICTL_YAML, crictlYaml(crictlEndpoint)), description: `${CRICTL_YAML} (endpoint ${crictlEndpoint})` },
  ];
}

/** containerd's registry files, config.toml and unit: the same under docker, whose engine runs on it. */
function containerdFileTasks(p: HostPlan, installTask: string, address: string): StepTask[] {
  const cfgPolicy = policy(p.vars, 'cri.containerd.config_policy');
  const cfg = containerdConfig(p.vars, p.regs, { address, merge: cfgPolicy === 'merge' });
  const files = p.regs.flatMap(containerdRegistryFiles);
  const withFiles = p.regs.filter(needsHostsToml).map((r) => r.host);
  return [
    ...fileTasks(files, (f) => `${f} (${p.regs.find((r) => f.startsWith(`${CONTAINERD_CERTS_D}/${r.host}/`))?.from.join(', ') ?? 'registries'})`),
    {
      task: 'prune containerd certs.d',
      spec: script(pruneRegistriesScript(CONTAINERD_CERTS_D, withFiles)),
      description: `remove registries kk wrote to ${CONTAINERD_CERTS_D} that the config no longer names`,
    },
    {
      task: 'write config.toml',
      spec: ownedFileScript({
        path: CONTAINERD_CONFIG,
        content: cfg.text,
        mode: cfg.mode,
        marker: CONTAINERD_CONFIG_MARKER,
        reinstalled: CONTAINERD_REINSTALLED,
        key: 'cri.containerd.config_policy',
        policy: cfgPolicy,
      }),
      description: `${CONTAINERD_CONFIG} (config_policy ${JSON.stringify(cfgPolicy)}; rewritten after "${installTask}")`,
    },
    { task: 'write containerd.service', spec: writeFile(CONTAINERD_UNIT, CONTAINERD_UNIT_TEXT), description: CONTAINERD_UNIT },
  ];
}

/** enable, restart when `changed` did something, start. */
function serviceTasks(unit: string, changed: string[]): StepTask[] {
  const name = unit.replace(/\.service$/, '');
  return [
    { task: `enable ${name}`, spec: service(unit, 'enable'), description: `systemctl enable ${unit}` },
    {
      task: `restart ${name}`,
      spec: service(unit, 'restart', 120_000),
      waitMs: 180_000,
      onlyIfChanged: changed,
      description: `restart ${name} when ${changed.map((c) => `"${c}"`).join(', ')} changed something`,
    },
    { task: `start ${name}`, spec: service(unit, 'start', 120_000), waitMs: 180_000, description: `start ${name} if it is not running` },
  ];
}

const markReinstalled = (...flags: string[]): string => `\n${flags.map((f) => `mkdir -p ${q(path.posix.dirname(f))} && : > ${q(f)}`).join('\n')}`;

function containerdPlan(p: HostPlan): StepTask[] {
  const { inputs, arch, vars } = p;
  const endpoint = getNonEmptyString(vars, 'cri.cri_socket') ?? `unix://${CONTAINERD_SOCKET}`;
  const runc = inputs.artifact('runc', arch);
  const runcBin = nodePath('runc', runc.dest);
  const ctd = inputs.artifact('containerd', arch);
  const ctdTar = nodePath('containerd', ctd.dest);
  const version = noV(ctd.version);
  const bins = ['containerd', 'containerd-shim-runc-v2', 'ctr'];
  return [
    fetchTask('runc', runc.sha256, runcBin, runc.id),
    {
      task: 'install runc',
      spec: script(
        binaryInstallScript({
          name: 'runc',
          version: noV(runc.version),
          src: runcBin,
          dest: '/usr/local/bin/runc',
          force: inputs.force,
          installedVersion: VERSION_PROBES.runc('/usr/local/bin/runc'),
        }),
      ),
      description: `runc ${runc.version} → /usr/local/bin/runc (only when \`runc --version\` differs)`,
    },
    ...commonTasks(p, endpoint),
    fetchTask('containerd', ctd.sha256, ctdTar, ctd.id),
    {
      task: 'install containerd',
      spec: script(
        tarballInstallScript({
          name: 'containerd',
          version,
          tarball: ctdTar,
          force: inputs.force,
          files: Object.fromEntries(bins.map((b) => [`bin/${b}`, `/usr/local/bin/${b}`])),
          installedVersion: VERSION_PROBES.containerd('/usr/local/bin/containerd'),
        }) + markReinstalled(CONTAINERD_REINSTALLED),
      ),
      description: `${bins.join(', ')} ${ctd.version} → /usr/local/bin (only when the installed version differs; no downgrade without --force)`,
    },
    ...containerdFileTasks(p, 'install containerd', socketPath(endpoint)),
    { task: 'daemon-reload', spec: service('', 'daemon-reload'), description: 'systemctl daemon-reload', onlyIfChanged: ['write containerd.service'] },
    ...serviceTasks('containerd.service', ['install containerd', 'write config.toml', 'write containerd.service']),
    runtimeCheck(endpoint),
  ];
}

function dockerPlan(p: HostPlan): StepTask[] {
  const { inputs, arch, vars } = p;
  const kube = semver.coerce(getNonEmptyString(inputs.model.vars, 'kubernetes.kube_version') ?? '');
  if (!kube) throw new UserError('kubernetes.kube_version is not set: with cri.container_manager docker it decides whether cri-dockerd is installed');
  const withCriDockerd = semver.gte(kube, '1.24.0');
  const endpoint = withCriDockerd ? (getNonEmptyString(vars, 'cri.cri_socket') ?? 'unix:///var/run/cri-dockerd.sock') : DOCKERSHIM_SOCKET;
  const docker = inputs.artifact('docker', arch);
  const dockerTar = nodePath('docker', docker.dest);
  const daemonPolicy = policy(vars, 'cri.docker.daemon_policy');
  const dockerFiles = p.regs.flatMap(dockerCertFiles);
  const dockerHosts = [...new Set(dockerFiles.map((f) => f.path.slice(DOCKER_CERTS_D.length + 1).split('/')[0]!))];
  const tasks: StepTask[] = [
    ...commonTasks(p, endpoint),
    fetchTask('docker', docker.sha256, dockerTar, docker.id),
    {
      task: 'install docker',
      spec: script(
        tarballInstallScript({
          name: 'docker',
          version: noV(docker.version),
          tarball: dockerTar,
          force: inputs.force,
          files: Object.fromEntries(DOCKER_TARBALL_FILES.map((b) => [`docker/${b}`, `/usr/local/bin/${b}`])),
          installedVersion: VERSION_PROBES.dockerd('/usr/local/bin/dockerd'),
        }) + markReinstalled(CONTAINERD_REINSTALLED, DOCKER_REINSTALLED),
      ),
      description: `docker ${docker.version} (dockerd, docker, containerd, runc …) → /usr/local/bin (only when the installed version differs)`,
    },
    ...containerdFileTasks(p, 'install docker', CONTAINERD_SOCKET),
    ...fileTasks(dockerFiles, (f) => `${f} (docker's trust for its registry)`),
    {
      task: 'prune docker certs.d',
      spec: script(pruneRegistriesScript(DOCKER_CERTS_D, dockerHosts)),
      description: `remove registries kk wrote to ${DOCKER_CERTS_D} that the config no longer names`,
    },
    {
      task: 'write daemon.json',
      spec: ownedFileScript({
        path: DOCKER_DAEMON_JSON,
        content: daemonJson(vars, p.regs),
        mode: 0o644,
        marker: DOCKER_DAEMON_MARKER,
        reinstalled: DOCKER_REINSTALLED,
        key: 'cri.docker.daemon_policy',
        policy: daemonPolicy,
        jsonMerge: true,
      }),
      description: `${DOCKER_DAEMON_JSON} (daemon_policy ${JSON.stringify(daemonPolicy)}; rewritten after "install docker")`,
    },
    { task: 'write docker.service', spec: writeFile(DOCKER_UNIT, DOCKER_UNIT_TEXT), description: DOCKER_UNIT },
  ];
  const units = ['write containerd.service', 'write docker.service'];
  if (withCriDockerd) {
    const cd = inputs.artifact('cri-dockerd', arch);
    const cdTar = nodePath('cri-dockerd', cd.dest);
    const podCidr = getString(vars, 'cni.pod_cidr') ?? '';
    tasks.push(
      fetchTask('cri-dockerd', cd.sha256, cdTar, cd.id),
      {
        task: 'install cri-dockerd',
        spec: script(
          tarballInstallScript({
            name: 'cri-dockerd',
            version: noV(cd.version),
            tarball: cdTar,
            force: inputs.force,
            files: { 'cri-dockerd/cri-dockerd': '/usr/local/bin/cri-dockerd' },
            installedVersion: VERSION_PROBES.criDockerd('/usr/local/bin/cri-dockerd'),
          }),
        ),
        description: `cri-dockerd ${cd.version} → /usr/local/bin (only when the installed version differs)`,
      },
      {
        task: 'write cri-dockerd.service',
        spec: writeFile(CRI_DOCKERD_UNIT, criDockerdUnit({ endpoint, pauseImage: sandboxImage(vars), dualStack: podCidr.includes(':') })),
        description: `${CRI_DOCKERD_UNIT} (listening on ${endpoint})`,
      },
    );
    units.push('write cri-dockerd.service');
  }
  tasks.push(
    { task: 'daemon-reload', spec: service('', 'daemon-reload'), description: 'systemctl daemon-reload', onlyIfChanged: units },
    ...serviceTasks('containerd.service', ['install docker', 'write config.toml', 'write containerd.service']),
    ...serviceTasks('docker.service', ['install docker', 'write daemon.json', 'write docker.service']),
    ...(withCriDockerd ? serviceTasks('cri-dockerd.service', ['install cri-dockerd', 'write cri-dockerd.service']) : []),
    runtimeCheck(withCriDockerd ? endpoint : null),
  );
  return tasks;
}

export const criStep: InstallStep = {
  name: 'cri',
  title: 'container runtime (crictl, CNI plugins, containerd or docker)',
  hosts: (model) => hostsIn(model, 'k8s_cluster'),
  stage: () => ({ mode: 'parallel' }),
  plan(inputs, host): StepTask[] {
    const vars = hostVars(inputs, host);
    const manager = getString(vars, 'cri.container_manager') ?? 'containerd';
    const p: HostPlan = { inputs, host, vars, arch: inputs.arch(host), regs: registries(inputs, vars) };
    if (manager === 'containerd') return containerdPlan(p);
    if (manager === 'docker') return dockerPlan(p);
    throw new UserError(`${host}: cri.container_manager is ${JSON.stringify(manager)}; it must be one of ${CONTAINER_MANAGERS.join(', ')}`);
  },
};

export { binaryInstallScript };
