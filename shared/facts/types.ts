// The fact set of one node, as agents report it (docs/design.md, "Facts"), field for field.
// The types are derived from the one definition in ./shape.ts (type-only imports: the agent's
// bundle, which reads the constants below, does not load zod for them).
// A fact that could not be collected is `null` and its reason is in `probeErrors`; a failed probe
// must never read as "absent" or "zero".
import type { z } from 'zod';
import type * as shape from './shape';

export const FACTS_SCHEMA_VERSION = 1;

export type OsFacts = z.output<typeof shape.OS_FACTS.zod>;
export type CpuFacts = z.output<typeof shape.CPU_FACTS.zod>;
export type MemoryFacts = z.output<typeof shape.MEMORY_FACTS.zod>;
export type InterfaceAddress = z.output<typeof shape.INTERFACE_ADDRESS.zod>;
export type AddressFamily = InterfaceAddress['family'];
export type InterfaceFacts = z.output<typeof shape.INTERFACE_FACTS.zod>;
export type DefaultRoute = z.output<typeof shape.DEFAULT_ROUTE.zod>;
export type ListeningPort = z.output<typeof shape.LISTENING_PORT.zod>;
export type CgroupFacts = z.output<typeof shape.CGROUP_FACTS.zod>;
export type ServiceFacts = z.output<typeof shape.SERVICE_FACTS.zod>;
export type PathFacts = z.output<typeof shape.PATH_FACTS.zod>;
export type DiskFacts = z.output<typeof shape.DISK_FACTS.zod>;
export type BlockDeviceFacts = z.output<typeof shape.BLOCK_DEVICE_FACTS.zod>;
export type TimeFacts = z.output<typeof shape.TIME_FACTS.zod>;
export type FioFacts = z.output<typeof shape.FIO_FACTS.zod>;
/** One node's facts; see ./shape.ts for what each field means. */
export type FactSet = z.output<typeof shape.factSetSchema>;

/** The sysctl keys, binaries, services and paths the agent always reports (what prechecks read). */
export const SYSCTL_KEYS = [
  'net.ipv4.ip_forward',
  'net.ipv6.conf.all.forwarding',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
] as const;

export const BINARIES = ['conntrack', 'socat', 'ip', 'iptables', 'mount', 'nsenter', 'ebtables', 'ethtool', 'tc', 'touch', 'fio', 'systemctl'] as const;

export const SERVICES = ['kubelet', 'etcd', 'containerd', 'docker'] as const;

export const PATHS = ['/var/lib/etcd', '/etc/kubernetes/manifests', '/var/lib/kubelet', '/etc/kubernetes/kubelet.conf'] as const;

/** The clean PATH every probe and command uses — never the login shell's. */
export const CLEAN_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
