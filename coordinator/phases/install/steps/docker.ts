// The docker side of the container runtime step (`cri.container_manager: docker`; the step
// itself is ./containerd.ts, which also runs docker's containerd): daemon.json, the docker and
// cri-dockerd units, docker's certs.d. Pure renderers; docs/install.md says what each setting is for.
import type { Value, Vars } from '../../../model/cluster';
import { getMap, getNonEmptyString, getNumber, getString } from '../../../inventory/vars';
import type { RegistryTrust } from './containerd';

export const DOCKER_DAEMON_JSON = '/etc/docker/daemon.json';
export const DOCKER_CERTS_D = '/etc/docker/certs.d';
export const DOCKER_UNIT = '/etc/systemd/system/docker.service';
export const CRI_DOCKERD_UNIT = '/etc/systemd/system/cri-dockerd.service';
/** Left by the install task when it (re)installed docker: daemon.json is rewritten whatever the policy. */
export const DOCKER_REINSTALLED = '/etc/docker/.kk-reinstalled';
/** The sha256 of the daemon.json kk wrote last: tells kk's own file from one changed on the node. */
export const DOCKER_DAEMON_MARKER = '/etc/docker/.kk-daemon.json.sha256';
/** kubelet's built-in dockershim (Kubernetes < 1.24) listens here. */
export const DOCKERSHIM_SOCKET = 'unix:///var/run/dockershim.sock';

/** Members of the docker static tarball kk installs: the engine, its containerd and runc. */
export const DOCKER_TARBALL_FILES = ['containerd', 'containerd-shim-runc-v2', 'ctr', 'docker', 'docker-init', 'docker-proxy', 'dockerd', 'runc'];

/** `5Mi` (kubelet's spelling) → `5m` (docker's; docker's k and m are binary units already). */
export function dockerLogSize(size: string): string {
  const m = /^(\d+)\s*([kmg])i?b?$/i.exec(size.trim());
  return m ? `${m[1]}${m[2]!.toLowerCase()}` : size.trim().toLowerCase();
}

const isTree = (v: Value | undefined): v is { [k: string]: Value } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `over` laid onto `base` (maps merged, anything else replaced); a null in `over` removes the key. */
export function overlay(base: { [k: string]: Value }, over: { [k: string]: Value } | undefined): { [k: string]: Value } {
  const out: { [k: string]: Value } = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else if (isTree(v) && isTree(out[k])) out[k] = overlay(out[k] as { [k: string]: Value }, v);
    else out[k] = v;
  }
  return out;
}

/** Docker trusts a registry without verification (or over plain HTTP) only when it is listed as insecure. */
const dockerInsecure = (r: RegistryTrust): boolean => r.scheme !== 'https' || r.skipVerify;

/**
 * `/etc/docker/daemon.json`: KubeKey's defaults (data root, log rotation from the kubelet's
 * container log settings, live-restore, the cgroup driver) plus the registries, then the
 * config's `cri.docker.daemon` map on top of it.
 */
export function daemonJson(vars: Vars, registries: RegistryTrust[]): string {
  const mirrors = registries.flatMap((r) => r.mirrors.map((m) => m.url));
  const insecure = [
    ...registries.filter(dockerInsecure).map((r) => r.host),
    ...registries.flatMap((r) => r.mirrors.filter((m) => m.skipVerify).map((m) => m.url.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, ''))),
  ];
  const base: { [k: string]: Value } = {
    'data-root': getNonEmptyString(vars, 'cri.docker.data_root') ?? '/var/lib/docker',
    'exec-opts': [`native.cgroupdriver=${getString(vars, 'cri.cgroup_driver') ?? 'systemd'}`],
    'log-opts': {
      'max-size': dockerLogSize(getString(vars, 'kubernetes.kubelet.container_log_max_size') ?? '5Mi'),
      'max-file': String(getNumber(vars, 'kubernetes.kubelet.container_log_max_files') ?? 3),
    },
    'live-restore': true,
  };
  if (mirrors.length > 0) base['registry-mirrors'] = [...new Set(mirrors)];
  if (insecure.length > 0) base['insecure-registries'] = [...new Set(insecure)];
  const bip = getNonEmptyString(vars, 'cri.docker.bridge_ip');
  if (bip) base.bip = bip;
  return `${JSON.stringify(overlay(base, getMap(vars, 'cri.docker.daemon')), null, 2)}\n`;
}

/**
 * Run by the `merge` daemon_policy on the node, with python3 because bash cannot parse JSON: the
 * node's daemon.json with kk's keys laid onto it — kk's values win, keys only the node has are
 * kept. The output matches JSON.stringify(…, null, 2), so a merged file merges to itself on the
 * next run.
 */
export const DAEMON_MERGE_PY = `import json, sys
def merge(node, kk):
    for k, v in kk.items():
        if isinstance(v, dict) and isinstance(node.get(k), dict):
            merge(node[k], v)
        else:
            node[k] = v
    return node
with open(sys.argv[1]) as f:
    node = json.load(f)
with open(sys.argv[2]) as f:
    kk = json.load(f)
if not isinstance(node, dict):
    sys.exit(sys.argv[1] + ' is not a JSON object')
sys.stdout.write(json.dumps(merge(node, kk), indent=2, ensure_ascii=False) + '\\n')
`;

/** Docker's own per-registry trust files: certs.d/<host>/{ca.crt, client.cert, client.key}. */
export function dockerCertFiles(r: RegistryTrust): { path: string; content: string; mode: number }[] {
  const dir = `${DOCKER_CERTS_D}/${r.host}`;
  const out: { path: string; content: string; mode: number }[] = [];
  if (r.ca) out.push({ path: `${dir}/ca.crt`, content: r.ca, mode: 0o644 });
  if (r.client) {
    out.push({ path: `${dir}/client.cert`, content: r.client.cert, mode: 0o644 });
    out.push({ path: `${dir}/client.key`, content: r.client.key, mode: 0o600 });
  }
  return out;
}

export const DOCKER_UNIT_TEXT = `# Written by kk (docs/install.md).
[Unit]
Description=Docker Application Container Engine
Documentation=https://docs.docker.com
After=network-online.target firewalld.service containerd.service
Wants=network-online.target containerd.service
StartLimitBurst=3
StartLimitIntervalSec=60

[Service]
Type=notify
ExecStart=/usr/local/bin/dockerd --containerd=/run/containerd/containerd.sock
ExecReload=/bin/kill -s HUP $MAINPID
TimeoutStartSec=0
Restart=always
RestartSec=2
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
Delegate=yes
KillMode=process
OOMScoreAdjust=-500

[Install]
WantedBy=multi-user.target
`;

/** cri-dockerd: the CRI endpoint the kubelet uses with docker from Kubernetes 1.24 on. */
export function criDockerdUnit(opts: { endpoint: string; pauseImage: string; dualStack: boolean }): string {
  const args = [
    `--container-runtime-endpoint=${opts.endpoint}`,
    `--pod-infra-container-image=${opts.pauseImage}`,
    '--network-plugin=cni',
    '--cni-bin-dir=/opt/cni/bin',
    '--cni-conf-dir=/etc/cni/net.d',
    ...(opts.dualStack ? ['--ipv6-dual-stack'] : []),
  ];
  return `# Written by kk (docs/install.md).
[Unit]
Description=CRI interface for Docker (cri-dockerd)
Documentation=https://github.com/Mirantis/cri-dockerd
After=network-online.target docker.service
Wants=network-online.target
Requires=docker.service

[Service]
ExecStart=/usr/local/bin/cri-dockerd ${args.join(' ')}
Restart=always
RestartSec=2
LimitNOFILE=infinity
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
Delegate=yes
KillMode=process

[Install]
WantedBy=multi-user.target
`;
}
