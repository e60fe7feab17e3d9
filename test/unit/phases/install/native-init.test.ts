import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  nativeInitStep,
  hostsBlock,
  endpointBlock,
  LIMITS_TEXT,
  SYSCTL_CONF,
  LIMITS_CONF,
  IPVS_MODULES_CONF,
} from '../../../../coordinator/phases/install/steps/native-init';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED, type StepTask } from '../../../../coordinator/phases/install/step';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import { model, tempDir } from '../helpers';

// ---------------------------------------------------------------------------------------------
// Models and plans

const inventory = (hosts: string, groups = ''): string => `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
${hosts}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node2]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1, etcd1]}
${groups}`;

const V4_HOSTS = `    node1: {internal_ipv4: 10.0.0.1}
    node2: {internal_ipv4: 10.0.0.2}
    etcd1: {internal_ipv4: 10.0.0.9}`;

const ISO_ART: ResolvedArtifact = {
  id: 'ubuntu-22.04-debs/amd64',
  name: 'ubuntu-22.04-debs',
  kind: 'iso',
  arch: 'amd64',
  version: 'iso-latest',
  base: 'binary_dir',
  dest: 'repository/ubuntu-22.04-debs-amd64.iso',
  sha256: 'c'.repeat(64),
  size: 1,
  url: 'https://x',
  verified: 'first-download',
};

function inputs(spec = '', hosts = V4_HOSTS, groups = '', resolved: ResolvedArtifact[] = []): StepInputs {
  return stepInputs({ model: model(spec, inventory(hosts, groups)), resolved, pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });
}

const task = (tasks: StepTask[], name: string): StepTask => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task ${name} in ${tasks.map((x) => x.task).join(', ')}`);
  return t;
};
const scriptOf = (spec: CommandSpec): string => {
  assert.ok('exec' in spec, 'an exec command');
  return spec.exec.script ?? '';
};
const fileOf = (spec: CommandSpec): { path: string; mode: number; text: string } => {
  assert.ok('writeFile' in spec, 'a writeFile command');
  return { path: spec.writeFile.path ?? '', mode: spec.writeFile.mode ?? 0, text: spec.writeFile.text ?? '' };
};

const V4_SYSCTL = `# Written by kk (docs/install.md); changing it here is undone by the next create cluster.
net.core.netdev_max_backlog = 65535
net.core.rmem_max = 33554432
net.core.wmem_max = 33554432
net.core.somaxconn = 32768
net.bridge.bridge-nf-call-arptables = 1
vm.max_map_count = 262144
vm.swappiness = 1
vm.overcommit_memory = 1
fs.inotify.max_user_instances = 524288
fs.inotify.max_user_watches = 524288
fs.pipe-max-size = 4194304
fs.aio-max-nr = 262144
kernel.pid_max = 4194304
kernel.watchdog_thresh = 5
kernel.hung_task_timeout_secs = 5
net.bridge.bridge-nf-call-iptables = 1
net.ipv4.tcp_tw_recycle = 0
net.ipv4.tcp_tw_reuse = 0
net.ipv4.ip_forward = 1
net.ipv4.ip_local_reserved_ports = 30000-32767
net.ipv4.tcp_max_syn_backlog = 1048576
net.ipv4.neigh.default.gc_thresh1 = 512
net.ipv4.neigh.default.gc_thresh2 = 2048
net.ipv4.neigh.default.gc_thresh3 = 4096
net.ipv4.tcp_retries2 = 15
net.ipv4.tcp_max_tw_buckets = 1048576
net.ipv4.tcp_max_orphans = 65535
net.ipv4.udp_rmem_min = 131072
net.ipv4.udp_wmem_min = 131072
net.ipv4.conf.all.rp_filter = 1
net.ipv4.conf.default.rp_filter = 1
net.ipv4.conf.all.arp_accept = 1
net.ipv4.conf.default.arp_accept = 1
net.ipv4.conf.all.arp_ignore = 1
net.ipv4.conf.default.arp_ignore = 1
`;

const V6_LINES = `net.bridge.bridge-nf-call-ip6tables = 1
net.ipv6.conf.all.disable_ipv6 = 0
net.ipv6.conf.default.disable_ipv6 = 0
net.ipv6.conf.lo.disable_ipv6 = 0
net.ipv6.conf.all.forwarding = 1
net.ipv6.conf.default.accept_dad = 0
net.ipv6.route.max_size = 65536
net.ipv6.neigh.default.retrans_time_ms = 1000
`;

test('IPv4 cluster: hosts are every group, in parallel; a control plane gets every task in order with the exact files', () => {
  const inp = inputs();
  assert.equal(nativeInitStep.name, 'os');
  assert.deepEqual(nativeInitStep.hosts(inp.model), ['node1', 'node2', 'etcd1']);
  assert.deepEqual(nativeInitStep.stage(inp, ['node1']), { mode: 'parallel' });
  const tasks = nativeInitStep.plan(inp, 'node1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    [
      'hostname',
      'packages',
      'swap off',
      'selinux off',
      'firewall off',
      'kernel modules',
      'write sysctl',
      'apply sysctl',
      'write limits',
      'chrony config',
      'restart chrony',
      'timezone',
      'ntp sync on',
      'hosts file',
    ],
  );
  assert.deepEqual(fileOf(task(tasks, 'write sysctl').spec), { path: SYSCTL_CONF, mode: 0o644, text: V4_SYSCTL });
  assert.equal(SYSCTL_CONF, '/etc/sysctl.d/99-kubekey.conf');
  assert.deepEqual(task(tasks, 'apply sysctl').onlyIfChanged, ['write sysctl', 'kernel modules']);
  assert.match(scriptOf(task(tasks, 'apply sysctl').spec), /required=' net\.ipv4\.ip_forward net\.bridge\.bridge-nf-call-iptables '/);
  assert.deepEqual(task(tasks, 'restart chrony').onlyIfChanged, ['chrony config']);
  const limits = fileOf(task(tasks, 'write limits').spec);
  assert.deepEqual([limits.path, limits.mode], [LIMITS_CONF, 0o644]);
  assert.equal(LIMITS_CONF, '/etc/security/limits.d/99-kube.conf');
  assert.equal(limits.text, LIMITS_TEXT);
  const body = LIMITS_TEXT.split('\n').filter((l) => l && !l.startsWith('#'));
  assert.deepEqual(body, [
    '* soft nofile 1048576',
    '* hard nofile 1048576',
    '* soft nproc 65536',
    '* hard nproc 65536',
    '* soft memlock unlimited',
    '* hard memlock unlimited',
    '* soft core unlimited',
    '* hard core unlimited',
    'root soft nofile 1048576',
    'root hard nofile 1048576',
    'root soft nproc 65536',
    'root hard nproc 65536',
    'root soft memlock unlimited',
    'root hard memlock unlimited',
    'root soft core unlimited',
    'root hard core unlimited',
  ]);
  // KubeKey's defaults: kube-proxy ipvs, chrony from cn.pool.ntp.org, Asia/Shanghai.
  assert.match(scriptOf(task(tasks, 'kernel modules').spec), /for m in ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh "\$conntrack"/);
  assert.match(scriptOf(task(tasks, 'chrony config').spec), /'server cn\.pool\.ntp\.org iburst'/);
  assert.match(scriptOf(task(tasks, 'timezone').spec), /want='Asia\/Shanghai'/);
  assert.match(
    scriptOf(task(tasks, 'packages').spec),
    / want 'socat' 'socat' 'socat'\n {2}want 'conntrack' 'conntrack' 'conntrack-tools'\n {2}want 'ipset'.*\n {2}want 'ebtables'.*\n {2}want 'chronyd' 'chrony' 'chrony'\n {2}want 'ipvsadm'/,
  );
  assert.doesNotMatch(scriptOf(task(tasks, 'packages').spec), /nfs/);
});

test('the hosts block: Kubernetes nodes with cluster names, etcd nodes, an empty registry block; endpoint block only on Kubernetes nodes', () => {
  const inp = inputs();
  assert.equal(
    hostsBlock(inp.model, 'node1'),
    `# kubekey hosts BEGIN
# kubernetes nodes
10.0.0.1 node1 node1.kubekey node1.kubekey.cluster.local
10.0.0.2 node2 node2.kubekey node2.kubekey.cluster.local
# etcd nodes
10.0.0.1 node1
10.0.0.9 etcd1
# image registry nodes
# kubekey image_registry control_plane_endpoint BEGIN
# kubekey image_registry control_plane_endpoint END
# nfs nodes
# kubekey hosts END
`,
  );
  assert.equal(hostsBlock(inp.model, 'etcd1'), hostsBlock(inp.model, 'node1'), 'the same on every node');
  assert.equal(
    endpointBlock(inp.model, 'node1'),
    `# kubekey kubernetes control_plane_endpoint BEGIN
127.0.0.1 lb.kubesphere.local
::1 lb.kubesphere.local
# kubekey kubernetes control_plane_endpoint END
`,
  );
  // a worker has no API server of its own: it reaches the first control plane
  assert.equal(
    endpointBlock(inp.model, 'node2'),
    `# kubekey kubernetes control_plane_endpoint BEGIN
10.0.0.1 lb.kubesphere.local
# kubekey kubernetes control_plane_endpoint END
`,
  );
  assert.equal(endpointBlock(inp.model, 'etcd1'), '');
});

test('dual stack: IPv6 sysctls and required settings, v6 lines in the hosts block; cluster name and dns.domain are used', () => {
  const inp = inputs(
    '  kubernetes: {cluster_name: prod}\n  dns: {domain: corp.local}\n',
    `    node1: {internal_ipv4: 10.0.0.1, internal_ipv6: "fd00::1"}
    node2: {internal_ipv4: 10.0.0.2, internal_ipv6: "fd00::2"}
    etcd1: {internal_ipv4: 10.0.0.9}`,
  );
  const tasks = nativeInitStep.plan(inp, 'node1');
  assert.equal(fileOf(task(tasks, 'write sysctl').spec).text, V4_SYSCTL + V6_LINES);
  assert.match(
    scriptOf(task(tasks, 'apply sysctl').spec),
    /required=' net\.ipv4\.ip_forward net\.bridge\.bridge-nf-call-iptables net\.ipv6\.conf\.all\.forwarding net\.bridge\.bridge-nf-call-ip6tables '/,
  );
  // etcd1 has no IPv6: its own sysctl file has none of the IPv6 keys.
  assert.equal(fileOf(task(nativeInitStep.plan(inp, 'etcd1'), 'write sysctl').spec).text, V4_SYSCTL);
  const block = hostsBlock(inp.model, 'node2');
  assert.match(block, /^10\.0\.0\.1 node1 node1\.prod node1\.prod\.corp\.local\nfd00::1 node1 node1\.prod node1\.prod\.corp\.local\n/m);
  assert.match(block, /# etcd nodes\n10\.0\.0\.1 node1\nfd00::1 node1\n10\.0\.0\.9 etcd1\n/);
});

test('IPv6-only host: no IPv4 sysctls', () => {
  const inp = inputs(
    '',
    `    node1: {internal_ipv6: "fd00::1"}
    node2: {internal_ipv4: 10.0.0.2}
    etcd1: {internal_ipv4: 10.0.0.9}`,
  );
  const text = fileOf(task(nativeInitStep.plan(inp, 'node1'), 'write sysctl').spec).text;
  assert.ok(!text.includes('net.ipv4.'), 'no IPv4 keys');
  assert.ok(text.endsWith(V6_LINES));
});

test('security_enhancement adds kernel.panic and panic_on_oops', () => {
  const text = fileOf(task(nativeInitStep.plan(inputs('  security_enhancement: true\n'), 'node1'), 'write sysctl').spec).text;
  assert.match(text, /kernel\.hung_task_timeout_secs = 5\nkernel\.panic = 10\nkernel\.panic_on_oops = 1\nnet\.bridge\.bridge-nf-call-iptables = 1\n/);
});

test('native.set_hostname false (cluster-wide or for one host): no hostname task', () => {
  const all = inputs('  native: {set_hostname: false}\n');
  assert.ok(!nativeInitStep.plan(all, 'node1').some((t) => t.task === 'hostname'));
  const one = inputs(
    '',
    `    node1: {internal_ipv4: 10.0.0.1, native: {set_hostname: false}}
    node2: {internal_ipv4: 10.0.0.2}
    etcd1: {internal_ipv4: 10.0.0.9}`,
  );
  assert.ok(!nativeInitStep.plan(one, 'node1').some((t) => t.task === 'hostname'));
  assert.ok(nativeInitStep.plan(one, 'node2').some((t) => t.task === 'hostname'));
});

test('ntp servers naming an inventory host become its addresses; other names stay; ntp off or no time zone drops those tasks', () => {
  const inp = inputs(
    '  native: {ntp: {servers: [node1, ntp.example.com]}}\n',
    `    node1: {internal_ipv4: 10.0.0.1, internal_ipv6: "fd00::1"}
    node2: {internal_ipv4: 10.0.0.2}
    etcd1: {internal_ipv4: 10.0.0.9}`,
  );
  const s = scriptOf(task(nativeInitStep.plan(inp, 'node2'), 'chrony config').spec);
  assert.match(
    s,
    /printf '%s\\n' 'allow 0\.0\.0\.0\/0' 'allow ::\/0' 'local stratum 10' 'server 10\.0\.0\.1 iburst' 'server fd00::1 iburst' 'server ntp\.example\.com iburst'/,
  );
  const off = nativeInitStep.plan(inputs('  native: {ntp: {enabled: false}, timezone: ""}\n'), 'node1').map((t) => t.task);
  for (const t of ['chrony config', 'restart chrony', 'timezone', 'ntp sync on']) assert.ok(!off.includes(t), t);
  const noServers = nativeInitStep.plan(inputs('  native: {ntp: {servers: []}}\n'), 'node1').map((t) => t.task);
  assert.ok(!noServers.includes('chrony config') && noServers.includes('timezone') && !noServers.includes('ntp sync on'));
});

test('etcd-only hosts get no packages, chrony or endpoint block; nfs hosts get the NFS server package', () => {
  const inp = inputs(
    '',
    `${V4_HOSTS}
    nfs1: {internal_ipv4: 10.0.0.7}`,
    '    nfs: {hosts: [nfs1, node2]}\n',
  );
  assert.deepEqual(nativeInitStep.hosts(inp.model), ['node1', 'node2', 'etcd1', 'nfs1']);
  const etcd = nativeInitStep.plan(inp, 'etcd1').map((t) => t.task);
  assert.deepEqual(etcd, [
    'hostname',
    'swap off',
    'selinux off',
    'firewall off',
    'kernel modules',
    'write sysctl',
    'apply sysctl',
    'write limits',
    'hosts file',
  ]);
  assert.match(scriptOf(task(nativeInitStep.plan(inp, 'etcd1'), 'hosts file').spec), /export KK_ENDPOINT_BLOCK=''/);
  const nfsOnly = scriptOf(task(nativeInitStep.plan(inp, 'nfs1'), 'packages').spec);
  assert.match(nfsOnly, /\n {2}want 'rpc\.nfsd' 'nfs-kernel-server' 'nfs-utils'\n/);
  assert.doesNotMatch(nfsOnly, /want 'socat'/);
  assert.match(scriptOf(task(nativeInitStep.plan(inp, 'node2'), 'packages').spec), /want 'ipvsadm'.*\n {2}want 'rpc\.nfsd'/);
  assert.match(hostsBlock(inp.model, 'node1'), /# nfs nodes\n10\.0\.0\.2 node2\n10\.0\.0\.7 nfs1\n# kubekey hosts END/);
});

test('kube_proxy mode iptables: no IPVS modules, and a leftover IPVS module list is removed', () => {
  const s = scriptOf(task(nativeInitStep.plan(inputs('  kubernetes: {kube_proxy: {mode: iptables}}\n'), 'node1'), 'kernel modules').spec);
  assert.doesNotMatch(s, /load "\$m"/);
  assert.match(s, /rm -f "\$root\/etc\/modules-load\.d\/kube_proxy-ipvs\.conf"/);
});

test('image registry: a registry name maps to the first registry host, or to ha_vip; an address gets no entry', () => {
  const hosts = `${V4_HOSTS}
    reg1: {internal_ipv4: 10.0.0.5}
    reg2: {internal_ipv4: 10.0.0.6}`;
  const groups = '    image_registry: {hosts: [reg1, reg2]}\n';
  const named = inputs('  image_registry: {type: harbor, auth: {registry: "dockerhub.kubekey.local:443/library"}}\n', hosts, groups);
  assert.match(
    hostsBlock(named.model, 'node1'),
    /# image registry nodes\n10\.0\.0\.5 reg1\n10\.0\.0\.6 reg2\n# kubekey image_registry control_plane_endpoint BEGIN\n10\.0\.0\.5 dockerhub\.kubekey\.local\n# kubekey image_registry control_plane_endpoint END\n/,
  );
  const vip = inputs('  image_registry: {type: harbor, ha_vip: 10.0.0.100, auth: {registry: hub.local}}\n', hosts, groups);
  assert.match(hostsBlock(vip.model, 'node1'), /BEGIN\n10\.0\.0\.100 hub\.local\n# kubekey image_registry control_plane_endpoint END/);
  // The derived default registry is the first registry host's address: nothing to name.
  const ip = inputs('  image_registry: {type: docker-registry}\n', hosts, groups);
  assert.match(hostsBlock(ip.model, 'node1'), /control_plane_endpoint BEGIN\n# kubekey image_registry control_plane_endpoint END/);
  // The registry hosts get packages and chrony (KubeKey's repository and ntp roles run there).
  assert.ok(nativeInitStep.plan(named, 'reg1').some((t) => t.task === 'chrony config'));
});

test('control-plane endpoint: kube-vip (workers the VIP, control planes themselves), local.address, haproxy (127.0.0.1 everywhere)', () => {
  const vip = inputs('  kubernetes: {control_plane_endpoint: {type: kube-vip, kube_vip: {address: 10.0.0.50}}}\n');
  assert.equal(
    endpointBlock(vip.model, 'node2'),
    '# kubekey kubernetes control_plane_endpoint BEGIN\n10.0.0.50 lb.kubesphere.local\n# kubekey kubernetes control_plane_endpoint END\n',
  );
  assert.equal(
    endpointBlock(vip.model, 'node1'),
    '# kubekey kubernetes control_plane_endpoint BEGIN\n127.0.0.1 lb.kubesphere.local\n::1 lb.kubesphere.local\n# kubekey kubernetes control_plane_endpoint END\n',
  );
  const local = inputs('  kubernetes: {control_plane_endpoint: {host: api.example, local: {address: 10.0.0.60}}}\n');
  assert.match(endpointBlock(local.model, 'node1'), /\n10\.0\.0\.60 api\.example\n/);
  const haproxy = inputs('  kubernetes: {control_plane_endpoint: {type: haproxy, local: {address: 10.0.0.60}}}\n');
  assert.match(endpointBlock(haproxy.model, 'node1'), /\n127\.0\.0\.1 lb\.kubesphere\.local\n::1 lb\.kubesphere\.local\n/);
  assert.match(endpointBlock(haproxy.model, 'node2'), /\n127\.0\.0\.1 lb\.kubesphere\.local\n::1 lb\.kubesphere\.local\n/, 'a worker: its own haproxy');
});

test('a repository ISO from init: checked, fetched only when needed, then offered to the package script', () => {
  const spec = '  download: {iso: [ubuntu-22.04-debs, centos-8-rpms]}\n';
  const tasks = nativeInitStep.plan(inputs(spec, V4_HOSTS, '', [ISO_ART]), 'node1');
  const names = tasks.map((t) => t.task);
  // centos-8-rpms was not fetched by init: no tasks for it.
  assert.deepEqual(names.slice(0, 4), ['hostname', 'iso needed: ubuntu-22.04-debs', 'fetch iso: ubuntu-22.04-debs', 'packages']);
  const fetch = task(tasks, 'fetch iso: ubuntu-22.04-debs');
  assert.deepEqual(fetch.onlyIfChanged, ['iso needed: ubuntu-22.04-debs']);
  assert.ok('fetch' in fetch.spec);
  assert.deepEqual([fetch.spec.fetch.sha256, fetch.spec.fetch.dest], ['c'.repeat(64), '/opt/kubekey/artifacts/repository/ubuntu-22.04-debs-amd64.iso']);
  assert.match(scriptOf(task(tasks, 'packages').spec), /isos=\('ubuntu-22\.04-debs:\/opt\/kubekey\/artifacts\/repository\/ubuntu-22\.04-debs-amd64\.iso'\)/);
  // Without any ISO from init the list is empty (and the step still plans).
  assert.match(scriptOf(task(nativeInitStep.plan(inputs(spec), 'node1'), 'packages').spec), /isos=\(\)/);
});

// ---------------------------------------------------------------------------------------------
// The scripts, run for real against a directory tree (KK_ROOT) with stub commands

/** Commands on this machine that must never run for real from a test: stubs that fail loudly. */
const GUARDED = [
  'hostname',
  'hostnamectl',
  'timedatectl',
  'systemctl',
  'journalctl',
  'mount',
  'umount',
  'apt-get',
  'apt',
  'dpkg',
  'sysctl',
  'swapoff',
  'modprobe',
  'modinfo',
  'sleep',
];

interface Sandbox {
  root: string;
  bin: string;
  log: string;
  tmp: string;
}

function sandbox(): Sandbox {
  const dir = tempDir('kk-native-');
  const sb = { root: path.join(dir, 'root'), bin: path.join(dir, 'bin'), log: path.join(dir, 'calls.log'), tmp: path.join(dir, 'tmp') };
  for (const d of [sb.root, sb.bin, sb.tmp, path.join(sb.root, 'etc'), path.join(sb.root, 'proc')]) mkdirSync(d, { recursive: true });
  writeFileSync(sb.log, '');
  for (const c of GUARDED) stub(sb, c, `echo "unexpected call: ${c} $*" >&2; exit 99`);
  return sb;
}

/** A stub command: logs its arguments, then runs `body` (bash; $R is the sandbox root). */
function stub(sb: Sandbox, name: string, body: string): void {
  const f = path.join(sb.bin, name);
  writeFileSync(f, `#!/bin/bash\nR=$KK_ROOT\necho "${name} $*" >> "$KK_LOG"\n${body}\n`);
  chmodSync(f, 0o755);
}
const unstub = (sb: Sandbox, name: string): void => stub(sb, name, 'echo "$(basename "$0"): command not found" >&2; exit 127');

function put(sb: Sandbox, rel: string, text: string): void {
  const f = path.join(sb.root, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
}
const read = (sb: Sandbox, rel: string): string => readFileSync(path.join(sb.root, rel), 'utf8');
const calls = (sb: Sandbox): string[] => readFileSync(sb.log, 'utf8').split('\n').filter(Boolean);
const clearCalls = (sb: Sandbox): void => writeFileSync(sb.log, '');

function run(sb: Sandbox, spec: CommandSpec): { code: number | null; out: string; err: string } {
  assert.ok('exec' in spec);
  const r = spawnSync('/bin/bash', ['--noprofile', '--norc', '-c', spec.exec.script ?? ''], {
    env: { PATH: `${sb.bin}:/usr/bin:/bin`, HOME: sb.root, LANG: 'C.UTF-8', TMPDIR: sb.tmp, KK_ROOT: sb.root, KK_LOG: sb.log, ...(spec.exec.env ?? {}) },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const planned = (name: string, host = 'node1', inp = inputs()): CommandSpec => task(nativeInitStep.plan(inp, host), name).spec;

test('hosts file: the blocks replace the old ones in place, other lines stay; a second run is unchanged', () => {
  const sb = sandbox();
  const user = '127.0.0.1 localhost\n127.0.1.1 node1\n# my own\n192.168.1.5 printer\n';
  put(
    sb,
    'etc/hosts',
    `${user}# kubekey hosts BEGIN
10.0.0.99 gone
# kubekey hosts END
# kubekey image_registry control_plane_endpoint BEGIN
10.0.0.98 old.registry
# kubekey image_registry control_plane_endpoint END
10.1.1.1 after-the-block
# kubekey kubernetes control_plane_endpoint BEGIN
10.0.0.97 lb.kubesphere.local
# kubekey kubernetes control_plane_endpoint END
`,
  );
  chmodSync(path.join(sb.root, 'etc/hosts'), 0o644);
  const inp = inputs();
  const spec = planned('hosts file', 'node1', inp);
  const first = run(sb, spec);
  assert.equal(first.code, 0, first.err);
  const want = `${user}${hostsBlock(inp.model, 'node1')}10.1.1.1 after-the-block\n${endpointBlock(inp.model, 'node1')}`;
  assert.equal(read(sb, 'etc/hosts'), want);
  const second = run(sb, spec);
  assert.equal(second.code, UNCHANGED, second.err);
  assert.equal(read(sb, 'etc/hosts'), want);
  assert.deepEqual(calls(sb), []);

  // On a host outside k8s_cluster the endpoint block goes; a fresh file gets both blocks appended.
  const etcdSpec = planned('hosts file', 'etcd1', inp);
  assert.equal(run(sb, etcdSpec).code, 0);
  assert.equal(read(sb, 'etc/hosts'), `${user}${hostsBlock(inp.model, 'node1')}10.1.1.1 after-the-block\n`);
  const fresh = sandbox();
  put(fresh, 'etc/hosts', '127.0.0.1 localhost');
  assert.equal(run(fresh, spec).code, 0);
  assert.equal(read(fresh, 'etc/hosts'), `127.0.0.1 localhost\n${hostsBlock(inp.model, 'node1')}${endpointBlock(inp.model, 'node1')}`);
  assert.equal(run(fresh, spec).code, UNCHANGED);
});

test('hosts file: a BEGIN without END fails and leaves the file alone', () => {
  const sb = sandbox();
  const broken = '127.0.0.1 localhost\n# kubekey hosts BEGIN\n10.0.0.1 node1\n10.9.9.9 user-line\n';
  put(sb, 'etc/hosts', broken);
  const r = run(sb, planned('hosts file'));
  assert.equal(r.code, 1);
  assert.match(r.err, /\/etc\/hosts: a kubekey BEGIN line has no END line after it; fix the file by hand/);
  assert.equal(read(sb, 'etc/hosts'), broken);
});

test('swap: swapoff when swap is on, swap lines of fstab commented (only those); then unchanged', () => {
  const sb = sandbox();
  const header = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';
  put(sb, 'proc/swaps', `${header}/swap.img                               file\t\t2097148\t\t0\t\t-2\n`);
  stub(sb, 'swapoff', `printf '%s' '${header}' > "$R/proc/swaps"`);
  put(sb, 'etc/fstab', 'UUID=abc / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n# /old none swap sw 0 0\n/dev/sdb1 /data/swapfiles xfs defaults 0 0\n');
  const spec = planned('swap off');
  const first = run(sb, spec);
  assert.equal(first.code, 0, first.err);
  assert.deepEqual(calls(sb), ['swapoff -a']);
  assert.equal(
    read(sb, 'etc/fstab'),
    'UUID=abc / ext4 defaults 0 1\n#/swap.img none swap sw 0 0\n# /old none swap sw 0 0\n/dev/sdb1 /data/swapfiles xfs defaults 0 0\n',
  );
  clearCalls(sb);
  assert.equal(run(sb, spec).code, UNCHANGED);
  assert.deepEqual(calls(sb), []);
  // Swap that cannot be turned off (a container): a failure that says why.
  const box = sandbox();
  put(box, 'proc/swaps', `${header}/dev/sda2 partition\t1048572\t0\t-2\n`);
  stub(box, 'swapoff', 'echo "swapoff: /dev/sda2: swapoff failed: Operation not permitted" >&2; exit 255');
  const r = run(box, spec);
  assert.equal(r.code, 1);
  assert.match(r.err, /swap is on and cannot be turned off here; kubelet does not run with swap on/);
});

test('hostname: hostnamectl and the 127.0.1.1 line when they differ; then unchanged', () => {
  const sb = sandbox();
  put(sb, 'etc/hostname', 'ubuntu\n');
  put(sb, 'proc/sys/kernel/hostname', 'ubuntu\n');
  put(sb, 'etc/hosts', '127.0.0.1 localhost\n127.0.1.1 ubuntu\n');
  stub(sb, 'hostnamectl', 'echo "$2" > "$R/etc/hostname"; echo "$2" > "$R/proc/sys/kernel/hostname"');
  const spec = planned('hostname');
  assert.equal(run(sb, spec).code, 0);
  assert.equal(read(sb, 'etc/hostname'), 'node1\n');
  assert.equal(read(sb, 'etc/hosts'), '127.0.0.1 localhost\n127.0.1.1 node1\n');
  assert.ok(calls(sb).includes('hostnamectl set-hostname node1'));
  clearCalls(sb);
  assert.equal(run(sb, spec).code, UNCHANGED);
  assert.deepEqual(calls(sb), []);
});

test('SELinux: enforcing → disabled in the config and permissive now; absent SELinux is unchanged', () => {
  const sb = sandbox();
  put(sb, 'etc/selinux/config', '# SELINUX=enforcing is the default\nSELINUX=enforcing\nSELINUXTYPE=targeted\n');
  put(sb, 'state/enforce', 'Enforcing\n');
  stub(sb, 'getenforce', 'cat "$R/state/enforce"');
  stub(sb, 'setenforce', 'echo Permissive > "$R/state/enforce"');
  const spec = planned('selinux off');
  assert.equal(run(sb, spec).code, 0);
  assert.equal(read(sb, 'etc/selinux/config'), '# SELINUX=enforcing is the default\nSELINUX=disabled\nSELINUXTYPE=targeted\n');
  assert.ok(calls(sb).includes('setenforce 0'));
  assert.equal(run(sb, spec).code, UNCHANGED);
  assert.equal(run(sandbox(), spec).code, UNCHANGED, 'no /etc/selinux, no getenforce');
});

/** systemctl over state files: $R/units/<unit>/{load,active,enabled}. */
const SYSTEMCTL = `u=\${@: -1}; d="$R/units/$u"
case "$1" in
  show) case "$3" in LoadState) cat "$d/load" 2>/dev/null || echo not-found ;; Id) cat "$d/id" 2>/dev/null || echo "$u" ;; ConditionResult) cat "$d/condition" 2>/dev/null || echo yes ;; esac ;;
  is-active) [ "$(cat "$d/active" 2>/dev/null)" = active ] ;;
  is-enabled) cat "$d/enabled" 2>/dev/null || echo disabled ;;
  stop) echo inactive > "$d/active" ;;
  disable) echo disabled > "$d/enabled" ;;
  enable) echo enabled > "$d/enabled" ;;
  start|restart) if [ -e "$d/fails" ]; then echo failed > "$d/active"; [ -e "$d/condition" ] || exit 1; else echo active > "$d/active"; fi ;;
esac`;
function unit(sb: Sandbox, name: string, state: { active?: string; enabled?: string; id?: string; condition?: string; fails?: boolean } = {}): void {
  put(sb, `units/${name}/load`, 'loaded\n');
  put(sb, `units/${name}/active`, `${state.active ?? 'inactive'}\n`);
  put(sb, `units/${name}/enabled`, `${state.enabled ?? 'disabled'}\n`);
  if (state.id) put(sb, `units/${name}/id`, `${state.id}\n`);
  if (state.condition) put(sb, `units/${name}/condition`, `${state.condition}\n`);
  if (state.fails) put(sb, `units/${name}/fails`, '');
}

test('firewall: firewalld stopped and disabled when present, ufw absent is skipped; then unchanged', () => {
  const sb = sandbox();
  stub(sb, 'systemctl', SYSTEMCTL);
  unit(sb, 'firewalld.service', { active: 'active', enabled: 'enabled' });
  const spec = planned('firewall off');
  const r = run(sb, spec);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /stopped firewalld\.service\ndisabled firewalld\.service/);
  assert.equal(run(sb, spec).code, UNCHANGED);
});

test('kernel modules: built-ins are fine, missing ones loaded and listed for boot; then unchanged', () => {
  const sb = sandbox();
  put(sb, 'proc/modules', 'nf_conntrack 1 0 - Live 0x0\n');
  put(sb, 'proc/filesystems', 'nodev\tproc\nnodev\toverlay\n');
  put(sb, 'proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  // ip_vs and its schedulers are modules; br_netfilter and overlay are built in (older kmod: modinfo knows them not).
  stub(sb, 'modprobe', 'echo "$1 1 0 - Live 0x0" >> "$R/proc/modules"');
  stub(sb, 'modinfo', 'case "$1" in ip_vs*|nf_conntrack) exit 0 ;; *) echo "modinfo: ERROR: Module $1 not found." >&2; exit 1 ;; esac');
  const spec = planned('kernel modules');
  const r = run(sb, spec);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    calls(sb).filter((c) => c.startsWith('modprobe')),
    ['modprobe ip_vs', 'modprobe ip_vs_rr', 'modprobe ip_vs_wrr', 'modprobe ip_vs_sh'],
  );
  assert.equal(read(sb, IPVS_MODULES_CONF), '# Written by kk (docs/install.md).\nip_vs\nip_vs_rr\nip_vs_wrr\nip_vs_sh\nnf_conntrack\n');
  assert.ok(!existsSync(path.join(sb.root, 'etc/modules-load.d/kubekey-br_netfilter.conf')), 'built-ins need no boot list');
  clearCalls(sb);
  assert.equal(run(sb, spec).code, UNCHANGED);
  assert.ok(!calls(sb).some((c) => c.startsWith('modprobe')));
});

test('kernel modules: ip_vs built in with "not found" schedulers is fine; no ip_vs at all fails naming the fix', () => {
  const sb = sandbox();
  put(sb, 'proc/modules', '');
  put(sb, 'proc/filesystems', 'nodev\toverlay\n');
  put(sb, 'proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  put(sb, 'proc/sys/net/netfilter/nf_conntrack_max', '262144\n');
  put(sb, 'proc/net/ip_vs', '');
  stub(sb, 'modprobe', 'echo "modprobe: FATAL: Module $1 not found in directory /lib/modules/6.1.0" >&2; exit 1');
  stub(sb, 'modinfo', 'exit 1');
  const spec = planned('kernel modules');
  assert.equal(run(sb, spec).code, UNCHANGED);

  const bare = sandbox();
  put(bare, 'proc/filesystems', 'nodev\toverlay\n');
  put(bare, 'proc/sys/net/bridge/bridge-nf-call-iptables', '1\n');
  put(bare, 'proc/sys/net/netfilter/nf_conntrack_max', '262144\n');
  unstub(bare, 'modprobe');
  unstub(bare, 'modinfo');
  const r = run(bare, spec);
  assert.equal(r.code, 1);
  assert.match(r.err, /neither loadable nor built into this kernel: ip_vs ip_vs_rr ip_vs_wrr ip_vs_sh\./);
  assert.match(r.err, /kubernetes\.kube_proxy\.mode: iptables does without them/);
  // iptables mode: the same kernel is fine.
  assert.equal(run(bare, planned('kernel modules', 'node1', inputs('  kubernetes: {kube_proxy: {mode: iptables}}\n'))).code, UNCHANGED);
});

/** sysctl --system over the tree: every file in order, /etc/sysctl.conf last, into $R/proc/sys (read-only files skipped). */
const SYSCTL = `[ "$1" = --system ] || exit 2
for f in "$R"/etc/sysctl.d/*.conf "$R"/etc/sysctl.conf; do
  [ -f "$f" ] || continue
  while read -r k _ v; do
    case "$k" in ''|'#'*) continue ;; esac
    p="$R/proc/sys/$(echo "$k" | tr . /)"
    if [ -e "$p" ] && [ ! -e "$p.ro" ]; then echo "$v" > "$p"; fi
  done < "$f"
done`;

test('apply sysctl: values read back; absent keys skipped, read-only ones a warning, an overridden required one fails naming the file', () => {
  const sb = sandbox();
  const inp = inputs();
  put(sb, SYSCTL_CONF, fileOf(planned('write sysctl', 'node1', inp)).text);
  const present: [string, string][] = [
    ['net.ipv4.ip_forward', '0'],
    ['net.bridge.bridge-nf-call-iptables', '0'],
    ['vm.swappiness', '60'],
    ['kernel.pid_max', '32768'],
    ['net.ipv4.ip_local_reserved_ports', ''],
  ];
  for (const [k, v] of present) {
    put(sb, `proc/sys/${k.replace(/\./g, '/')}`, `${v}\n`);
  }
  put(sb, 'proc/sys/kernel/pid_max.ro', '');
  stub(sb, 'sysctl', SYSCTL);
  const spec = planned('apply sysctl', 'node1', inp);
  const ok = run(sb, spec);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /net\.ipv4\.tcp_tw_recycle: not on this node \(kernel or network namespace\), skipped/);
  assert.match(ok.err, /not in effect \(read-only here, or set by another file\):\n {2}kernel\.pid_max = 32768, not 4194304\n$/);
  assert.equal(read(sb, 'proc/sys/net/ipv4/ip_forward'), '1\n');

  put(sb, 'etc/sysctl.conf', 'net.ipv4.ip_forward = 0\n');
  const bad = run(sb, spec);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /required kernel settings are not in effect:\n {2}net\.ipv4\.ip_forward = 0, not 1 \(also set in \/etc\/sysctl\.conf\)\n/);
});

const UBUNTU_CHRONY = `# Welcome to the chrony configuration file.
confdir /etc/chrony/conf.d
pool ntp.ubuntu.com        iburst maxsources 4
server 192.168.1.1 iburst
sourcedir /run/chrony-dhcp
keyfile /etc/chrony/chrony.keys
allow 192.168.0.0/16
local stratum 8
rtcsync
`;

test('chrony: server, allow and local lines replaced, pools commented; then unchanged; restart only here', () => {
  const sb = sandbox();
  put(sb, 'etc/chrony/chrony.conf', UBUNTU_CHRONY);
  const inp = inputs('  native: {ntp: {servers: [node1, time.example.com]}}\n');
  const spec = planned('chrony config', 'node2', inp);
  assert.equal(run(sb, spec).code, 0);
  assert.equal(
    read(sb, 'etc/chrony/chrony.conf'),
    `# Welcome to the chrony configuration file.
confdir /etc/chrony/conf.d
#pool ntp.ubuntu.com        iburst maxsources 4
sourcedir /run/chrony-dhcp
keyfile /etc/chrony/chrony.keys
rtcsync
allow 0.0.0.0/0
allow ::/0
local stratum 10
server 10.0.0.1 iburst
server time.example.com iburst
`,
  );
  assert.equal(run(sb, spec).code, UNCHANGED);
  assert.equal(run(sandbox(), spec).code, 1, 'no chrony.conf: chrony missing');

  stub(sb, 'systemctl', SYSTEMCTL);
  stub(sb, 'sleep', 'exit 0');
  unit(sb, 'chrony.service', { active: 'active', enabled: 'enabled' });
  const restart = run(sb, planned('restart chrony', 'node2', inp));
  assert.equal(restart.code, 0, restart.err);
  assert.ok(calls(sb).includes('systemctl restart chrony.service'));
  // A container where chrony's conditions fail: not started, not an error.
  const box = sandbox();
  stub(box, 'systemctl', SYSTEMCTL);
  stub(box, 'sleep', 'exit 0');
  unit(box, 'chronyd.service', { enabled: 'enabled', condition: 'no', fails: true });
  const skipped = run(box, planned('restart chrony', 'node2', inp));
  assert.equal(skipped.code, 0, skipped.err);
  assert.match(skipped.out, /unit conditions are not met/);
  const broken = sandbox();
  stub(broken, 'systemctl', SYSTEMCTL);
  stub(broken, 'sleep', 'exit 0');
  stub(broken, 'journalctl', 'echo "chronyd: Could not open /etc/chrony/chrony.keys"');
  unit(broken, 'chrony.service', { enabled: 'enabled', fails: true });
  const failed = run(broken, planned('restart chrony', 'node2', inp));
  assert.equal(failed.code, 1);
  assert.match(failed.err, /Could not open \/etc\/chrony\/chrony\.keys\nchrony\.service did not start\n/);
});

test('timezone and set-ntp: only when different', () => {
  const sb = sandbox();
  put(sb, 'state/tz', 'Etc/UTC\n');
  put(sb, 'state/ntp', 'no\n');
  stub(
    sb,
    'timedatectl',
    `case "$1 $3" in
  "show Timezone") cat "$R/state/tz" ;;
  "show NTP") cat "$R/state/ntp" ;;
  "show CanNTP") echo yes ;;
  *) case "$1" in set-timezone) echo "$2" > "$R/state/tz" ;; set-ntp) echo yes > "$R/state/ntp" ;; esac ;;
esac`,
  );
  const tz = planned('timezone');
  assert.equal(run(sb, tz).code, 0);
  assert.equal(read(sb, 'state/tz'), 'Asia/Shanghai\n');
  assert.equal(run(sb, tz).code, UNCHANGED);
  const ntp = planned('ntp sync on');
  assert.equal(run(sb, ntp).code, 0);
  assert.ok(calls(sb).includes('timedatectl set-ntp true'));
  assert.equal(run(sb, ntp).code, UNCHANGED);
});

const UBUNTU_RELEASE = 'NAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nID=ubuntu\nID_LIKE=debian\n';
const ROCKY_RELEASE = 'NAME="Rocky Linux"\nVERSION="9.4 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.4"\n';

/** A node with some programs already there. */
function node(release: string, have: string[]): Sandbox {
  const sb = sandbox();
  put(sb, 'etc/os-release', release);
  for (const b of have) {
    put(sb, `usr/sbin/${b}`, '');
    chmodSync(path.join(sb.root, 'usr/sbin', b), 0o755);
  }
  return sb;
}
/** A package manager that "installs" by creating each package's program. */
const INSTALLER = `[ -e "$R/state/offline" ] && { echo "E: Unable to locate package" >&2; exit 100; }
for a in "$@"; do case "$a" in
  socat|ipset|ebtables|ipvsadm|conntrack) : > "$R/usr/sbin/$a"; chmod +x "$R/usr/sbin/$a" ;;
  conntrack-tools) : > "$R/usr/sbin/conntrack"; chmod +x "$R/usr/sbin/conntrack" ;;
  chrony) : > "$R/usr/sbin/chronyd"; chmod +x "$R/usr/sbin/chronyd" ;;
  nfs-kernel-server|nfs-utils) : > "$R/usr/sbin/rpc.nfsd"; chmod +x "$R/usr/sbin/rpc.nfsd" ;;
esac; done
exit 0`;

test('packages (Debian family): only the missing ones via apt-get; nothing missing is unchanged', () => {
  const sb = node(UBUNTU_RELEASE, ['socat', 'ipset', 'ebtables', 'chronyd']);
  stub(sb, 'apt-get', INSTALLER);
  const spec = planned('packages');
  const r = run(sb, spec);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(calls(sb), ['apt-get update', 'apt-get install -y conntrack ipvsadm']);
  assert.match(r.out, /installing conntrack ipvsadm from the node's package sources/);
  clearCalls(sb);
  const again = run(sb, spec);
  assert.equal(again.code, UNCHANGED);
  assert.deepEqual(calls(sb), []);
});

test('packages: offline without an ISO fails naming the packages and the ISO name to add', () => {
  const sb = node(UBUNTU_RELEASE, ['socat', 'ipset', 'ebtables', 'chronyd', 'ipvsadm']);
  stub(sb, 'apt-get', INSTALLER);
  put(sb, 'state/offline', '');
  const r = run(sb, planned('packages'));
  assert.equal(r.code, 1);
  assert.match(
    r.err,
    /cannot install conntrack on this node \(output above\)\. Install them with the OS package manager, or add this OS's package ISO to download\.iso \(named one of: ubuntu-22\.04-debs ubuntu22\.04-debs ubuntu-22-debs\)/,
  );
});

test("packages with this OS's ISO: mounted, the only source through apt options, unmounted; the ISO gate", () => {
  const sb = node(UBUNTU_RELEASE, ['socat', 'ipset', 'ebtables', 'chronyd', 'ipvsadm']);
  put(sb, 'opt/kubekey/artifacts/repository/ubuntu-22.04-debs-amd64.iso', 'iso');
  stub(sb, 'apt-get', INSTALLER);
  stub(sb, 'mount', 'exit 0');
  stub(sb, 'umount', 'exit 0');
  const inp = inputs('  download: {iso: [ubuntu-22.04-debs]}\n', V4_HOSTS, '', [ISO_ART]);
  const gate = planned('iso needed: ubuntu-22.04-debs', 'node1', inp);
  const need = run(sb, gate);
  assert.equal(need.code, 0, need.err);
  assert.match(need.out, /missing: conntrack; installing them from ubuntu-22\.04-debs/);
  const r = run(sb, planned('packages', 'node1', inp));
  assert.equal(r.code, 0, r.err);
  const log = calls(sb);
  assert.match(
    log[0]!,
    new RegExp(`^mount -t iso9660 -o loop,ro ${sb.root}/opt/kubekey/artifacts/repository/ubuntu-22\\.04-debs-amd64\\.iso ${sb.tmp}/kk-packages\\.\\w+/iso$`),
  );
  assert.match(
    log[1]!,
    /^apt-get -o Dir::Etc::SourceList=\S+\/sources\.list -o Dir::Etc::SourceParts=\S+\/parts -o Dir::State::Lists=\S+\/lists -o APT::Sandbox::User=root update$/,
  );
  assert.match(log[2]!, /^apt-get -o Dir::Etc::SourceList=.* install -y conntrack$/);
  assert.match(log[3]!, /^umount /);
  assert.equal(log.length, 4);
  assert.deepEqual(readdirSync(sb.tmp), [], 'the mount point and temp files are gone');
  // Installed now: the gate says the ISO is not needed; another OS's ISO never is.
  assert.equal(run(sb, gate).code, UNCHANGED);
  const rocky = node(ROCKY_RELEASE, []);
  assert.equal(run(rocky, gate).code, UNCHANGED);
});

test("the ISO gate knows KubeKey's published names: Debian, CentOS 8 (major only), CentOS 7, Kylin with its service pack", () => {
  const cases: [string, string, string][] = [
    ['debian-12-debs', 'ID=debian\nVERSION_ID="12"\n', 'debs on Debian itself'],
    ['centos-8-rpms', 'ID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="8"\n', 'the published CentOS 8 name'],
    ['centos7-rpms', 'ID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n', "KubeKey's RHEL-like form"],
    ['kylin-v10SP3-rpms', 'ID=kylin\nVERSION_ID="V10"\nVERSION="V10 (Lance)"\n', 'Kylin SP3'],
    ['kylin-v10SP3-2403-rpms', 'ID=kylin\nVERSION_ID="V10"\nVERSION="V10 (Halberd)"\n', 'Kylin SP3-2403'],
  ];
  for (const [iso, release, why] of cases) {
    const art = { ...ISO_ART, id: `${iso}/amd64`, name: iso, dest: `repository/${iso}-amd64.iso` };
    const gate = planned(`iso needed: ${iso}`, 'node1', inputs(`  download: {iso: [${iso}]}\n`, V4_HOSTS, '', [art]));
    const r = run(node(release, []), gate);
    assert.equal(r.code, 0, `${why}: ${r.out}${r.err}`);
  }
  const r = run(
    node('ID=debian\nVERSION_ID="11"\n', []),
    planned(
      'iso needed: debian-12-debs',
      'node1',
      inputs('  download: {iso: [debian-12-debs]}\n', V4_HOSTS, '', [{ ...ISO_ART, name: 'debian-12-debs', dest: 'repository/debian-12-debs-amd64.iso' }]),
    ),
  );
  assert.equal(r.code, UNCHANGED);
  assert.match(r.out, /not this OS's repository ISO \(this OS: debian-11-debs\)/);
});

test('packages (RHEL family): dnf with RHEL package names', () => {
  const sb = node(ROCKY_RELEASE, ['socat', 'ipset', 'ebtables', 'chronyd', 'ipvsadm']);
  stub(sb, 'dnf', INSTALLER);
  const inp = inputs(
    '',
    `${V4_HOSTS}
    nfs1: {internal_ipv4: 10.0.0.7}`,
    '    nfs: {hosts: [node1]}\n',
  );
  const r = run(sb, planned('packages', 'node1', inp));
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(calls(sb), ['dnf install -y conntrack-tools nfs-utils']);
});
