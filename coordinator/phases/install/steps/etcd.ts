// etcd (`deployment_type: external`): KubeKey's etcd/prepare + etcd/install (docs/install.md)
// as a systemd service on the etcd group, with its fixes (docs/defaults-vs-kubekey.md):
// - a new cluster's members are started together, then a health gate (every member healthy,
//   through etcdctl with client certificates) must hold before the step is ok;
// - a host joining a running cluster is added with `member add --learner` from a healthy member,
//   started with ETCD_INITIAL_CLUSTER_STATE=existing, then promoted — one host at a time;
// - binaries are replaced only when the version differs, never downgraded without --force;
// - the backup script uses the endpoint variable it defines.
import semver from 'semver';
import type { ClusterModel, Value } from '../../../model/cluster';
import { getNumber, getString } from '../../../inventory/vars';
import { etcdHostName } from '../../../init/certs/spec';
import type { StepInputs } from '../inputs';
import { fetchFile, script, service, writeFile, type InstallStep, type StepTask } from '../step';
import { NODE_ARTIFACTS, hostsIn, q, str, tarballInstallScript } from './common';

export const ETCD_SSL = '/etc/ssl/etcd/ssl';
export const ETCD_ENV = '/etc/etcd.env';
export const ETCD_UNIT = '/etc/systemd/system/etcd.service';
export const BACKUP_SCRIPT = '/usr/local/bin/kube-scripts/backup_etcd.sh';

const external = (model: ClusterModel): boolean => (getString(model.vars, 'etcd.deployment_type') ?? 'external') === 'external';
const etcdHosts = (model: ClusterModel): string[] => (external(model) ? hostsIn(model, 'etcd') : []);
const noV = (v: string): string => v.replace(/^v/, '');
const bracket = (ip: string): string => (ip.includes(':') ? `[${ip}]` : ip);

/**
 * The etcd hosts that ran a member when the run began: the running cluster a new host joins. Fixed
 * once per run and kept in it — a run interrupted while a new cluster was forming must resume as
 * that new cluster, not mistake its first half-started member for a running one.
 */
export function installedMembers(inputs: StepInputs, hosts: string[]): string[] {
  const running = inputs.param('etcd.running_members', () => JSON.stringify(hosts.filter((h) => inputs.unit(h, 'etcd')?.activeState === 'active')));
  return (JSON.parse(running) as string[]).filter((h) => hosts.includes(h));
}

function envNumber(model: ClusterModel, key: string, fallback: number): number {
  return getNumber(model.vars, `etcd.env.${key}`) ?? fallback;
}

function optionalEnv(model: ClusterModel): string[] {
  const out: string[] = [];
  const opt: Record<string, string> = {
    metrics: 'ETCD_METRICS',
    quota_backend_bytes: 'ETCD_QUOTA_BACKEND_BYTES',
    max_request_bytes: 'ETCD_MAX_REQUEST_BYTES',
    max_snapshots: 'ETCD_MAX_SNAPSHOTS',
    max_wals: 'ETCD_MAX_WALS',
    log_level: 'ETCD_LOG_LEVEL',
    unsupported_arch: 'ETCD_UNSUPPORTED_ARCH',
  };
  const env = (model.vars.etcd as Record<string, Value> | undefined)?.env as Record<string, Value> | undefined;
  for (const [k, name] of Object.entries(opt)) {
    const v = env?.[k];
    if (v !== undefined && v !== null && v !== '') out.push(`${name}=${String(v)}`);
  }
  return out;
}

/** `/etc/etcd.env` for one member (KubeKey's keys, minus those etcd ≥ 3.6 no longer has; docs/install.md). */
export function etcdEnv(inputs: StepInputs, host: string, cluster: { state: 'new' | 'existing'; members: string[] }): string {
  const m = inputs.model;
  const ip = inputs.ipv4(host);
  const port = getNumber(m.vars, 'etcd.port') ?? 2379;
  const peer = getNumber(m.vars, 'etcd.peer_port') ?? 2380;
  const version = noV(str(m, 'etcd.etcd_version', 'v3.5.24'));
  const initial = cluster.members.map((h) => `${etcdHostName(m, h)}=https://${bracket(inputs.ipv4(h))}:${peer}`).join(',');
  const lines = [
    '# Written by kk (docs/install.md); changing it here is undone by the next create cluster.',
    `ETCD_DATA_DIR=${str(m, 'etcd.env.data_dir', '/var/lib/etcd')}`,
    `ETCD_ADVERTISE_CLIENT_URLS=https://${bracket(ip)}:${port}`,
    `ETCD_INITIAL_ADVERTISE_PEER_URLS=https://${bracket(ip)}:${peer}`,
    `ETCD_INITIAL_CLUSTER_STATE=${cluster.state}`,
    `ETCD_LISTEN_CLIENT_URLS=https://127.0.0.1:${port},https://${bracket(ip)}:${port}`,
    `ETCD_INITIAL_CLUSTER_TOKEN=${str(m, 'etcd.env.token', 'k8s_etcd')}`,
    `ETCD_LISTEN_PEER_URLS=https://${bracket(ip)}:${peer}`,
    `ETCD_NAME=${etcdHostName(m, host)}`,
    `ETCD_INITIAL_CLUSTER=${initial}`,
    `ETCD_ELECTION_TIMEOUT=${envNumber(m, 'election_timeout', 5000)}`,
    `ETCD_HEARTBEAT_INTERVAL=${envNumber(m, 'heartbeat_interval', 250)}`,
    `ETCD_AUTO_COMPACTION_RETENTION=${envNumber(m, 'compaction_retention', 8)}`,
    `ETCD_SNAPSHOT_COUNT=${envNumber(m, 'snapshot_count', 10000)}`,
    ...optionalEnv(m),
    // etcd 3.6 removed the v2 API and the proxy; their variables would only draw warnings.
    ...(semver.valid(version) && semver.lt(version, '3.6.0') ? ['ETCD_PROXY=off', 'ETCD_ENABLE_V2=true'] : []),
    `ETCD_TRUSTED_CA_FILE=${ETCD_SSL}/ca.crt`,
    `ETCD_CERT_FILE=${ETCD_SSL}/server.crt`,
    `ETCD_KEY_FILE=${ETCD_SSL}/server.key`,
    'ETCD_CLIENT_CERT_AUTH=true',
    `ETCD_PEER_TRUSTED_CA_FILE=${ETCD_SSL}/ca.crt`,
    `ETCD_PEER_CERT_FILE=${ETCD_SSL}/server.crt`,
    `ETCD_PEER_KEY_FILE=${ETCD_SSL}/server.key`,
    'ETCD_PEER_CLIENT_CERT_AUTH=true',
    '# etcdctl on this host',
    `ETCDCTL_ENDPOINTS=https://127.0.0.1:${port}`,
    `ETCDCTL_CACERT=${ETCD_SSL}/ca.crt`,
    `ETCDCTL_CERT=${ETCD_SSL}/server.crt`,
    `ETCDCTL_KEY=${ETCD_SSL}/server.key`,
  ];
  return `${lines.join('\n')}\n`;
}

export const ETCD_UNIT_TEXT = `# Written by kk (docs/install.md).
[Unit]
Description=etcd
Documentation=https://github.com/etcd-io/etcd
After=network-online.target
Wants=network-online.target

[Service]
Type=notify
User=root
Nice=-20
OOMScoreAdjust=-1000
EnvironmentFile=${ETCD_ENV}
ExecStart=/usr/local/bin/etcd
Restart=always
RestartSec=10s
LimitNOFILE=40000
TimeoutStartSec=10min

[Install]
WantedBy=multi-user.target
`;

export function backupScript(model: ClusterModel): string {
  const dir = str(model, 'etcd.backup.backup_dir', '/var/lib/etcd-backup');
  const keep = getNumber(model.vars, 'etcd.backup.keep_backup_number') ?? 5;
  return `#!/bin/bash
# etcd snapshot backup, written by kk (docs/install.md). Keeps the newest ${keep}.
set -o errexit -o nounset -o pipefail
set -a; . ${ETCD_ENV}; set +a
BACKUP_DIR=${q(`${dir}/timer`)}
KEEP=${keep}
target="$BACKUP_DIR/etcd-$(date +%Y-%m-%d-%H-%M-%S)"
mkdir -p "$target"
/usr/local/bin/etcdctl --endpoints="$ETCDCTL_ENDPOINTS" --cacert="$ETCDCTL_CACERT" --cert="$ETCDCTL_CERT" --key="$ETCDCTL_KEY" \\
  snapshot save "$target/snapshot.db"
ls -1dt "$BACKUP_DIR"/etcd-* | tail -n +$((KEEP + 1)) | xargs -r rm -rf --
`;
}

const BACKUP_SERVICE = `# Written by kk (docs/install.md).
[Unit]
Description=Backup etcd
After=etcd.service

[Service]
Type=oneshot
ExecStart=${BACKUP_SCRIPT}
`;

const backupTimer = (model: ClusterModel): string => `# Written by kk (docs/install.md).
[Unit]
Description=Timer to back up etcd

[Timer]
OnCalendar=${str(model, 'etcd.backup.on_calendar', '*-*-* *:00/30:00')}
Unit=backup-etcd.service

[Install]
WantedBy=timers.target
`;

/** The cluster a host's env describes: a fresh one of every etcd host, or the running one it joins. */
function clusterFor(inputs: StepInputs, host: string, hosts: string[]): { state: 'new' | 'existing'; members: string[]; joining: boolean } {
  const running = installedMembers(inputs, hosts);
  // A member's initial-cluster settings are read only at its first start; the file keeps what the
  // cluster was created with, so a later run rewrites nothing and restarts nothing.
  if (running.length === 0 || running.length === hosts.length || running.includes(host)) return { state: 'new', members: hosts, joining: false };
  // A joiner's initial cluster is the running members plus the hosts joining before it and itself.
  const order = hosts.filter((h) => running.includes(h) || hosts.indexOf(h) <= hosts.indexOf(host));
  return { state: 'existing', members: order, joining: true };
}

/** Script run on a healthy member: add `host` as a learner unless it is a member already. */
export function memberAddScript(name: string, peerUrl: string): string {
  return `set -a; . ${ETCD_ENV}; set +a
if etcdctl member list -w simple | awk -F', ' '{print $3" "$4}' | grep -qE '^'${q(name)}' |[[:space:]]'${q(peerUrl)}'$'; then
  echo "${name} is already a member"; exit $UNCHANGED
fi
if etcdctl member list -w simple | grep -qF -- ${q(peerUrl)}; then echo "${peerUrl} is already a member (not started yet)"; exit $UNCHANGED; fi
etcdctl member add ${q(name)} --peer-urls=${q(peerUrl)} --learner`;
}

export function promoteScript(name: string): string {
  return `set -a; . ${ETCD_ENV}; set +a
for i in $(seq 1 60); do
  line=$(etcdctl member list -w simple | awk -F', ' -v n=${q(name)} '$3 == n')
  id=\${line%%,*}
  case "$line" in *", true"*) ;; *) echo "${name} is a voting member"; exit $UNCHANGED ;; esac
  if etcdctl member promote "$id" 2>/tmp/kk-promote.err; then echo "${name} promoted"; exit 0; fi
  sleep 2
done
cat /tmp/kk-promote.err >&2; exit 1`;
}

export const etcdStep: InstallStep = {
  name: 'etcd',
  title: 'etcd cluster (systemd)',
  hosts: etcdHosts,
  // A new cluster's members must start together (each waits for a quorum); hosts joining a
  // running cluster are added one at a time, each a learner promoted before the next.
  stage(inputs, hosts) {
    const running = installedMembers(inputs, hosts);
    return running.length > 0 && running.length < hosts.length ? { mode: 'serial' } : { mode: 'together' };
  },
  plan(inputs, host): StepTask[] {
    const m = inputs.model;
    const hosts = etcdHosts(m);
    const arch = inputs.arch(host);
    const art = inputs.artifact('etcd', arch);
    const version = noV(art.version);
    const tarball = `${NODE_ARTIFACTS}/etcd/${art.dest.split('/').pop()}`;
    const inner = `etcd-v${version}-linux-${arch}`;
    const cluster = clusterFor(inputs, host, hosts);
    const dataDir = str(m, 'etcd.env.data_dir', '/var/lib/etcd');
    const tasks: StepTask[] = [
      { task: 'fetch release', spec: fetchFile(art.sha256, tarball), description: `fetch ${art.id} (sha256 ${art.sha256.slice(0, 12)}…) to ${tarball}` },
      {
        task: 'install binaries',
        spec: script(
          tarballInstallScript({
            name: 'etcd',
            version,
            tarball,
            force: inputs.force,
            files: { [`${inner}/etcd`]: '/usr/local/bin/etcd', [`${inner}/etcdctl`]: '/usr/local/bin/etcdctl', [`${inner}/etcdutl`]: '/usr/local/bin/etcdutl' },
            installedVersion: `/usr/local/bin/etcd --version | sed -n 's/^etcd Version: //p'`,
          }),
        ),
        description: `etcd, etcdctl, etcdutl ${version} → /usr/local/bin (only when the installed version differs)`,
      },
      { task: 'write ca.crt', spec: writeFile(`${ETCD_SSL}/ca.crt`, inputs.pki('root.crt'), 0o644), description: `${ETCD_SSL}/ca.crt ← pki/root.crt` },
      {
        task: 'write server.crt',
        spec: writeFile(`${ETCD_SSL}/server.crt`, inputs.pki(`etcd-${host}.crt`), 0o644),
        description: `${ETCD_SSL}/server.crt ← pki/etcd-${host}.crt`,
      },
      {
        task: 'write server.key',
        spec: writeFile(`${ETCD_SSL}/server.key`, inputs.pki(`etcd-${host}.key`), 0o600),
        description: `${ETCD_SSL}/server.key ← pki/etcd-${host}.key (0600)`,
      },
      {
        task: 'user and data dir',
        spec: script(`changed=0
getent passwd etcd >/dev/null || { useradd --system --no-create-home --shell /usr/sbin/nologin etcd; changed=1; }
if [ ! -d ${q(dataDir)} ]; then install -d -m 0700 -o etcd ${q(dataDir)}; changed=1; fi
[ $changed = 1 ] || exit $UNCHANGED`),
        description: `system user etcd, data dir ${dataDir} (0700)`,
      },
      {
        task: 'write etcd.env',
        spec: writeFile(ETCD_ENV, etcdEnv(inputs, host, cluster), 0o644),
        description: `${ETCD_ENV} (${cluster.state} cluster of ${cluster.members.length})`,
      },
      { task: 'write unit', spec: writeFile(ETCD_UNIT, ETCD_UNIT_TEXT, 0o644), description: ETCD_UNIT },
      { task: 'daemon-reload', spec: service('', 'daemon-reload'), description: 'systemctl daemon-reload', onlyIfChanged: ['write unit'] },
    ];
    const helper = installedMembers(inputs, hosts)[0];
    const peerUrl = `https://${bracket(inputs.ipv4(host))}:${getNumber(m.vars, 'etcd.peer_port') ?? 2380}`;
    if (cluster.joining && helper) {
      tasks.push({
        task: 'member add',
        delegateTo: helper,
        spec: script(memberAddScript(etcdHostName(m, host), peerUrl)),
        description: `on ${helper}: etcdctl member add ${etcdHostName(m, host)} --peer-urls=${peerUrl} --learner`,
      });
    }
    tasks.push(
      { task: 'enable', spec: service('etcd.service', 'enable'), description: 'systemctl enable etcd' },
      {
        task: 'restart',
        spec: service('etcd.service', 'restart', 600_000),
        waitMs: 660_000,
        description: 'restart etcd when its binaries, certificates, env or unit changed',
        onlyIfChanged: ['install binaries', 'write ca.crt', 'write server.crt', 'write server.key', 'write etcd.env', 'write unit'],
      },
      { task: 'start', spec: service('etcd.service', 'start', 600_000), waitMs: 660_000, description: 'start etcd if it is not running' },
      ...(cluster.joining && helper
        ? [
            {
              task: 'member promote',
              delegateTo: helper,
              spec: script(promoteScript(etcdHostName(m, host)), { timeoutMs: 150_000 }),
              description: `on ${helper}: promote ${etcdHostName(m, host)} from learner to voting member`,
            },
          ]
        : []),
      { task: 'write backup script', spec: writeFile(BACKUP_SCRIPT, backupScript(m), 0o755), description: BACKUP_SCRIPT },
      {
        task: 'write backup service',
        spec: writeFile('/etc/systemd/system/backup-etcd.service', BACKUP_SERVICE),
        description: 'backup-etcd.service (oneshot)',
      },
      { task: 'write backup timer', spec: writeFile('/etc/systemd/system/backup-etcd.timer', backupTimer(m)), description: 'backup-etcd.timer' },
      {
        task: 'daemon-reload for backup',
        spec: service('', 'daemon-reload'),
        description: 'systemctl daemon-reload',
        onlyIfChanged: ['write backup service', 'write backup timer'],
      },
      { task: 'enable backup timer', spec: service('backup-etcd.timer', 'enable'), description: 'systemctl enable backup-etcd.timer' },
      { task: 'start backup timer', spec: service('backup-etcd.timer', 'start'), description: 'systemctl start backup-etcd.timer' },
    );
    return tasks;
  },
  gate(inputs, hosts) {
    const m = inputs.model;
    const first = hosts[0]!;
    const names = hosts.map((h) => `-e ${q(`s#https://${bracket(inputs.ipv4(h))}:${getNumber(m.vars, 'etcd.port') ?? 2379}#${h} (&)#`)}`).join(' ');
    return {
      host: first,
      task: {
        task: 'health',
        description: `every member healthy: etcdctl endpoint health --cluster from ${first}`,
        spec: script(
          `set -a; . ${ETCD_ENV}; set +a
want=${hosts.length}
# Every etcdctl call is bounded, so a member that hangs (not just one that refuses) is reported
# within the deadline instead of the check being killed without a word.
ctl() { etcdctl --dial-timeout=3s --command-timeout=5s "$@"; }
deadline=$(( $(date +%s) + 60 ))
while :; do
  out=$(ctl endpoint health --cluster 2>&1 || true)
  healthy=$(printf '%s\\n' "$out" | grep -c ' is healthy' || true)
  if [ "$healthy" -ge "$want" ] && ! printf '%s\\n' "$out" | grep -q 'is unhealthy'; then
    printf '%s\\n' "$out" | sed ${names}; exit 0
  fi
  [ "$(date +%s)" -ge "$deadline" ] && break
  sleep 2
done
echo "etcd is not healthy on every member (want ${hosts.length}):" >&2
printf '%s\\n' "$out" | sed ${names} >&2
for h in ${hosts.map((h) => q(`${h}=${inputs.ipv4(h)}`)).join(' ')}; do
  ip=\${h#*=}; name=\${h%%=*}
  printf '%s\\n' "$out" | grep -q "$ip.* is healthy" || echo "unhealthy: $name ($ip)" >&2
done
exit 1`,
          { timeoutMs: 150_000 },
        ),
        waitMs: 180_000,
      },
    };
  },
};
