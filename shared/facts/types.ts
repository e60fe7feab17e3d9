// The fact set of one node — the JSON contract of ../shared/spec/facts.md, field for field.
// A fact that could not be collected is `null` and its reason is in `probeErrors`; a failed probe
// must never read as "absent" or "zero".

export const FACTS_SCHEMA_VERSION = 1;

export interface OsFacts {
  id: string;
  versionId: string;
  prettyName: string;
  kernelVersion: string;
  architecture: string;
  machine: string;
}

export interface CpuFacts {
  count: number;
  model: string;
}

export interface MemoryFacts {
  totalBytes: number;
  availableBytes: number;
  swapTotalBytes: number;
  swapFreeBytes: number;
}

export type AddressFamily = 'IPv4' | 'IPv6';

export interface InterfaceAddress {
  family: AddressFamily;
  address: string;
  prefixLength: number;
}

export interface InterfaceFacts {
  name: string;
  mac: string;
  mtu: number;
  up: boolean;
  addresses: InterfaceAddress[];
}

export interface DefaultRoute {
  interface: string;
  gateway: string | null;
}

export interface ListeningPort {
  protocol: 'tcp' | 'udp';
  address: string;
  port: number;
  process: string | null;
}

export interface CgroupFacts {
  version: 1 | 2;
  controllers: string[];
}

export interface ServiceFacts {
  loadState: string;
  activeState: string;
  version: string | null;
}

export interface PathFacts {
  exists: boolean;
  empty: boolean;
}

export interface DiskFacts {
  mount: string;
  totalBytes: number;
  freeBytes: number;
}

export interface BlockDeviceFacts {
  name: string;
  sizeBytes: number;
  type: string;
  mountpoint: string | null;
  fstype: string | null;
}

export interface TimeFacts {
  epochMs: number;
  ntpSynchronized: boolean | null;
}

export interface FioFacts {
  directory: string;
  syncLatencyNs: { p50: number; p90: number; p99: number };
  ranAtMs: number;
}

export interface FactSet {
  schemaVersion: number;
  collectedAtMs: number;
  hostname: string | null;
  machineId: string | null;
  productUuid: string | null;
  os: OsFacts | null;
  cpu: CpuFacts | null;
  memory: MemoryFacts | null;
  interfaces: InterfaceFacts[] | null;
  defaultRoute: DefaultRoute | null;
  listeningPorts: ListeningPort[] | null;
  /** key → value; value null when the key is absent on the node. */
  sysctl: Record<string, string | null> | null;
  kernelModules: string[] | null;
  cgroup: CgroupFacts | null;
  /** binary name → absolute path; null when not found on the clean PATH. */
  binaries: Record<string, string | null> | null;
  /** null when systemd is absent. */
  services: Record<string, ServiceFacts> | null;
  paths: Record<string, PathFacts> | null;
  disks: DiskFacts[] | null;
  blockDevices: BlockDeviceFacts[] | null;
  time: TimeFacts | null;
  fio: FioFacts | null;
  /** fact name (dotted path for nested ones) → why it is null. */
  probeErrors: Record<string, string>;
  /** Added by the coordinator when it stores a fact set. */
  receivedAtMs?: number;
  /** Node clock minus coordinator clock, corrected by half the round trip. */
  clockOffsetMs?: number;
}

/** The sysctl keys, binaries, services and paths the agent always reports (what prechecks read). */
export const SYSCTL_KEYS = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
] as const;

export const BINARIES = [
  'conntrack', 'socat', 'ip', 'iptables', 'mount', 'nsenter', 'ebtables', 'ethtool', 'tc', 'touch',
  'fio', 'systemctl',
] as const;

export const SERVICES = ['kubelet', 'etcd', 'containerd', 'docker'] as const;

export const PATHS = [
  '/var/lib/etcd',
  '/etc/kubernetes/manifests',
  '/var/lib/kubelet',
  '/etc/kubernetes/kubelet.conf',
] as const;

/** The clean PATH every probe and command uses — never the login shell's. */
export const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
