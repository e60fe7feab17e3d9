// Complete fact sets for the schema and wire tests: one with a value everywhere, one with null in
// every nullable leaf under present parents, one with every top-level fact null.
import type { FactSet } from '../../../shared/facts/types';

export function fullFactSet(): FactSet {
  return {
    schemaVersion: 1,
    collectedAtMs: 1764057600000,
    hostname: 'node1',
    machineId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    productUuid: '4C4C4544-0042-3510-8052-B7C04F4E4432',
    os: { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS', kernelVersion: '5.15.0-91-generic', architecture: 'amd64', machine: 'x86_64' },
    cpu: { count: 4, model: 'Intel(R) Xeon(R)' },
    memory: { totalBytes: 8348000256, availableBytes: 6000000000, swapTotalBytes: 2147483648, swapFreeBytes: 1073741824 },
    interfaces: [
      {
        name: 'eth0',
        mac: '52:54:00:12:34:56',
        mtu: 1500,
        up: true,
        addresses: [
          { family: 'IPv4', address: '10.0.0.11', prefixLength: 24 },
          { family: 'IPv6', address: 'fd00::11', prefixLength: 64 },
        ],
      },
      { name: 'eth1', mac: '52:54:00:12:34:57', mtu: 9000, up: false, addresses: [] },
    ],
    defaultRoute: { interface: 'eth0', gateway: '10.0.0.1' },
    listeningPorts: [
      { protocol: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' },
      { protocol: 'udp', address: '::', port: 8472, process: 'flanneld' },
    ],
    sysctl: { 'net.ipv4.ip_forward': '1', 'net.ipv6.conf.all.forwarding': '0' },
    kernelModules: ['br_netfilter', 'overlay'],
    cgroup: { version: 2, controllers: ['cpu', 'cpuset', 'memory', 'pids'] },
    binaries: { ip: '/usr/sbin/ip', mount: '/usr/bin/mount' },
    services: {
      kubelet: { loadState: 'loaded', activeState: 'active', version: '1.33.1' },
      etcd: { loadState: 'loaded', activeState: 'active', version: '3.5.21' },
    },
    paths: { '/var/lib/etcd': { exists: true, empty: false }, '/etc/kubernetes/manifests': { exists: false, empty: true } },
    disks: [{ mount: '/', totalBytes: 53687091200, freeBytes: 21474836480 }],
    blockDevices: [{ name: 'vdb', sizeBytes: 107374182400, type: 'disk', mountpoint: '/data', fstype: 'xfs' }],
    time: { epochMs: 1764057600123, ntpSynchronized: true },
    fio: { directory: '/var/lib/etcd', syncLatencyNs: { p50: 812000, p90: 1900000, p99: 4100000 }, ranAtMs: 1764057590000 },
    probeErrors: {},
  };
}

export function nullLeavesFactSet(): FactSet {
  return {
    ...fullFactSet(),
    hostname: null,
    machineId: null,
    productUuid: null,
    defaultRoute: { interface: 'ppp0', gateway: null },
    listeningPorts: [{ protocol: 'tcp', address: '0.0.0.0', port: 10250, process: null }],
    sysctl: { 'net.ipv4.ip_forward': '1', 'net.bridge.bridge-nf-call-iptables': null },
    binaries: { ip: '/usr/sbin/ip', socat: null },
    services: { kubelet: { loadState: 'not-found', activeState: 'inactive', version: null } },
    blockDevices: [{ name: 'vdc', sizeBytes: 0, type: 'disk', mountpoint: null, fstype: null }],
    time: { epochMs: 1764057600123, ntpSynchronized: null },
    // Empty lists and maps are answers ("none"), distinct from null ("unknown").
    interfaces: [],
    kernelModules: [],
    disks: [],
    paths: {},
    probeErrors: {
      hostname: '/proc/sys/kernel/hostname: no such file or directory',
      machineId: '/etc/machine-id is empty',
      productUuid: '/sys/class/dmi/id/product_uuid: permission denied',
      'services.kubelet.version': '`/usr/local/bin/kubelet --version` timed out after 10000 ms',
      'time.ntpSynchronized': 'timedatectl exited with 1',
    },
  };
}

export function nullFactsFactSet(): FactSet {
  const errors: Record<string, string> = {};
  const nulls = [
    'os',
    'cpu',
    'memory',
    'interfaces',
    'defaultRoute',
    'listeningPorts',
    'sysctl',
    'kernelModules',
    'cgroup',
    'binaries',
    'paths',
    'disks',
    'blockDevices',
    'time',
  ];
  for (const k of nulls) errors[k] = `${k} probe failed`;
  return {
    schemaVersion: 1,
    collectedAtMs: 1764057600000,
    hostname: null,
    machineId: null,
    productUuid: null,
    os: null,
    cpu: null,
    memory: null,
    interfaces: null,
    defaultRoute: null,
    listeningPorts: null,
    sysctl: null,
    kernelModules: null,
    cgroup: null,
    binaries: null,
    services: null, // systemd absent: null with no probe error
    paths: null,
    disks: null,
    blockDevices: null,
    time: null,
    fio: null, // not run: null with no probe error
    probeErrors: { ...errors, hostname: 'no hostname', machineId: 'no machine id', productUuid: 'no DMI' },
  };
}
