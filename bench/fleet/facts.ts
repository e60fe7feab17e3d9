// Fact sets for simulated nodes: deterministic per index, varied the way a real fleet is (several
// distributions and kernels, CPU and memory sizes, interface names, a few nodes with swap on or
// an unsynchronised clock), and valid against shared/facts/schema.ts.
import { createHash } from 'node:crypto';
import type { FactSet, InterfaceFacts } from '../../shared/facts/types';
import { FACTS_SCHEMA_VERSION } from '../../shared/facts/types';

export const SIM_PREFIX_LENGTH = 16;

/** The simulated node's internal IPv4: 10.64.0.10 upwards, one /16 per 65,536 nodes. */
export function simulatedIp(index: number): string {
  const n = index + 10;
  return `10.${64 + (n >> 16)}.${(n >> 8) & 255}.${n & 255}`;
}

export function simulatedName(index: number, prefix = 'sim'): string {
  return `${prefix}-${String(index).padStart(5, '0')}`;
}

/** 32 hex digits, stable per name: the simulated /etc/machine-id. */
export function simulatedMachineId(name: string): string {
  return createHash('sha256').update(`machine-id:${name}`).digest('hex').slice(0, 32);
}

function rand(index: number, salt: string): number {
  const h = createHash('sha256').update(`${salt}:${index}`).digest();
  return h.readUInt32BE(0) / 2 ** 32;
}

function pick<T>(index: number, salt: string, items: readonly T[]): T {
  return items[Math.floor(rand(index, salt) * items.length)] as T;
}

interface Distro {
  id: string;
  versionId: string;
  prettyName: string;
  kernels: string[];
  cgroup: 1 | 2;
}

const DISTROS: Distro[] = [
  { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS', kernels: ['5.15.0-91-generic', '5.15.0-105-generic', '5.15.0-117-generic'], cgroup: 2 },
  { id: 'ubuntu', versionId: '24.04', prettyName: 'Ubuntu 24.04.1 LTS', kernels: ['6.8.0-45-generic', '6.8.0-51-generic'], cgroup: 2 },
  { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', kernels: ['6.1.0-18-amd64', '6.1.0-26-amd64', '6.1.0-28-amd64'], cgroup: 2 },
  {
    id: 'rocky',
    versionId: '9.4',
    prettyName: 'Rocky Linux 9.4 (Blue Onyx)',
    kernels: ['5.14.0-427.13.1.el9_4.x86_64', '5.14.0-427.22.1.el9_4.x86_64'],
    cgroup: 2,
  },
  { id: 'centos', versionId: '7', prettyName: 'CentOS Linux 7 (Core)', kernels: ['5.4.278-1.el7.elrepo.x86_64'], cgroup: 1 },
];

const CPU_MODELS = [
  'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz',
  'AMD EPYC 7763 64-Core Processor',
  'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
  'AMD EPYC 9654 96-Core Processor',
];
const ARM_CPU_MODELS = ['Neoverse-N1', 'Neoverse-V1'];
const GIB = 2 ** 30;

/** One simulated node's facts; `now` stamps collectedAtMs and time.epochMs. */
export function simulatedFacts(index: number, name: string, now = Date.now()): FactSet {
  const distro = pick(index, 'os', DISTROS);
  const arm = rand(index, 'arch') < 0.05 && distro.id !== 'centos';
  const kernel = pick(index, 'kernel', distro.kernels)
    .replace(/amd64$/, arm ? 'arm64' : 'amd64')
    .replace(/x86_64$/, arm ? 'aarch64' : 'x86_64');
  const cpus = pick(index, 'cpu', [2, 4, 8, 8, 16, 16, 32, 64]);
  const memGiB = pick(index, 'mem', [4, 8, 16, 16, 32, 64, 128, 256]);
  const swapOn = rand(index, 'swap') < 0.01;
  const ip = simulatedIp(index);
  const nic = pick(index, 'nic', ['eth0', 'ens3', 'enp1s0', 'ens192']);
  const mac = (salt: number) => {
    const h = createHash('sha256').update(`mac:${salt}:${index}`).digest();
    return `52:54:00:${[0, 1, 2].map((k) => h.subarray(k, k + 1).toString('hex')).join(':')}`;
  };
  const gateway = `10.${64 + ((index + 10) >> 16)}.0.1`;
  const interfaces: InterfaceFacts[] = [
    {
      name: 'lo',
      mac: '00:00:00:00:00:00',
      mtu: 65536,
      up: true,
      addresses: [
        { family: 'IPv4', address: '127.0.0.1', prefixLength: 8 },
        { family: 'IPv6', address: '::1', prefixLength: 128 },
      ],
    },
    { name: nic, mac: mac(0), mtu: 1500, up: true, addresses: [{ family: 'IPv4', address: ip, prefixLength: SIM_PREFIX_LENGTH }] },
  ];
  if (rand(index, 'second-nic') < 0.3)
    interfaces.push({ name: `${nic.replace(/\d+$/, '')}1`, mac: mac(1), mtu: 9000, up: rand(index, 'nic-up') < 0.5, addresses: [] });
  if (rand(index, 'docker') < 0.1)
    interfaces.push({ name: 'docker0', mac: mac(2), mtu: 1500, up: false, addresses: [{ family: 'IPv4', address: '172.17.0.1', prefixLength: 16 }] });
  const rootGiB = pick(index, 'disk', [40, 80, 100, 200, 500]);
  const listeningPorts: FactSet['listeningPorts'] = [
    { protocol: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' },
    { protocol: 'tcp', address: '::', port: 22, process: 'sshd' },
    { protocol: 'udp', address: '127.0.0.1', port: 323, process: 'chronyd' },
  ];
  if (rand(index, 'exporter') < 0.4) listeningPorts.push({ protocol: 'tcp', address: '0.0.0.0', port: 9100, process: 'node_exporter' });
  const absent = { loadState: 'not-found', activeState: 'inactive', version: null };
  return {
    schemaVersion: FACTS_SCHEMA_VERSION,
    collectedAtMs: now,
    hostname: name,
    machineId: simulatedMachineId(name),
    productUuid: createHash('sha256')
      .update(`uuid:${name}`)
      .digest('hex')
      .slice(0, 32)
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
      .toUpperCase(),
    os: {
      id: distro.id,
      versionId: distro.versionId,
      prettyName: distro.prettyName,
      kernelVersion: kernel,
      architecture: arm ? 'arm64' : 'amd64',
      machine: arm ? 'aarch64' : 'x86_64',
    },
    cpu: { count: cpus, model: arm ? pick(index, 'cpu-model', ARM_CPU_MODELS) : pick(index, 'cpu-model', CPU_MODELS) },
    memory: {
      totalBytes: memGiB * GIB - 300 * 2 ** 20,
      availableBytes: Math.round(memGiB * GIB * (0.5 + rand(index, 'avail') * 0.4)),
      swapTotalBytes: swapOn ? 2 * GIB : 0,
      swapFreeBytes: swapOn ? 2 * GIB : 0,
    },
    interfaces,
    defaultRoute: { interface: nic, gateway },
    listeningPorts,
    sysctl: {
      'net.ipv4.ip_forward': rand(index, 'fwd') < 0.7 ? '1' : '0',
      'net.ipv6.conf.all.forwarding': '0',
      'net.bridge.bridge-nf-call-iptables': rand(index, 'brnf') < 0.5 ? '1' : null,
      'net.bridge.bridge-nf-call-ip6tables': null,
    },
    kernelModules: rand(index, 'brnf') < 0.5 ? ['br_netfilter', 'bridge', 'overlay', 'nf_conntrack', 'ip_tables'] : ['overlay', 'nf_conntrack', 'ip_tables'],
    cgroup:
      distro.cgroup === 2
        ? { version: 2, controllers: ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'] }
        : { version: 1, controllers: ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids', 'blkio', 'net_cls'] },
    binaries: {
      conntrack: '/usr/sbin/conntrack',
      socat: '/usr/bin/socat',
      ip: '/usr/sbin/ip',
      iptables: '/usr/sbin/iptables',
      mount: '/usr/bin/mount',
      nsenter: '/usr/bin/nsenter',
      ebtables: rand(index, 'ebt') < 0.8 ? '/usr/sbin/ebtables' : null,
      ethtool: '/usr/sbin/ethtool',
      tc: '/usr/sbin/tc',
      touch: '/usr/bin/touch',
      fio: null,
      systemctl: '/usr/bin/systemctl',
    },
    services: { kubelet: absent, etcd: absent, containerd: absent, docker: absent },
    paths: {
      '/var/lib/etcd': { exists: false, empty: true },
      '/etc/kubernetes/manifests': { exists: false, empty: true },
      '/var/lib/kubelet': { exists: false, empty: true },
      '/etc/kubernetes/kubelet.conf': { exists: false, empty: true },
    },
    disks: [{ mount: '/', totalBytes: rootGiB * GIB, freeBytes: Math.round(rootGiB * GIB * (0.3 + rand(index, 'free') * 0.6)) }],
    blockDevices: [
      { name: 'vda', sizeBytes: rootGiB * GIB, type: 'disk', mountpoint: null, fstype: null },
      { name: 'vda1', sizeBytes: rootGiB * GIB - 2 ** 20, type: 'part', mountpoint: '/', fstype: 'ext4' },
    ],
    time: { epochMs: now, ntpSynchronized: rand(index, 'ntp') < 0.98 },
    fio: null,
    probeErrors: {},
  };
}
