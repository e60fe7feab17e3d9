// The precheck defaults of precheck.md: every `cluster_require` threshold and table, and the other
// config keys the rules read. The loader merges these under the user's values; rules fall back to
// them (through coordinator/precheck/vars.ts) when a key is absent, so a rule never depends on the loader having done so.
import type { Value, Vars } from '../model/cluster';

/** Kubernetes minors `v1.<from>` … `v1.<to>`, as KubeKey writes them in its compatibility tables. */
function minors(from: number, to: number): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m++) out.push(`v1.${m}`);
  return out;
}

function table(entries: [string[], Value][]): { [key: string]: Value } {
  const out: { [key: string]: Value } = {};
  for (const [keys, value] of entries) for (const k of keys) out[k] = value;
  return out;
}

/** Kubernetes version (minor `vX.Y` or exact `vX.Y.Z`) → minimum etcd version. Exact keys win. */
export const ETCD_MIN_VERSIONS = table([
  [minors(23, 27), 'v3.2.18'],
  [minors(28, 30), 'v3.4.13-4'],
  [['v1.31', 'v1.32'], 'v3.5.11-0'],
  [['v1.31.14', 'v1.32.10', 'v1.32.11'], 'v3.5.24-0'],
  [['v1.33.0', 'v1.33.1', 'v1.33.2', 'v1.33.3', 'v1.33.4', 'v1.33.5'], 'v3.5.11-0'],
  [['v1.33'], 'v3.5.21-0'],
  [['v1.34.0', 'v1.34.1'], 'v3.5.21-0'],
  [['v1.34'], 'v3.5.24-0'],
]);

/** Calico major.minor → the Kubernetes minors it supports. */
export const CALICO_ALLOWED_VERSIONS = table([
  [['v3.25', 'v3.26'], minors(23, 28)],
  [['v3.27'], minors(23, 29)],
  [['v3.28'], minors(23, 30)],
  [['v3.29'], minors(23, 32)],
  [['v3.30'], minors(23, 33)],
  [['v3.31'], minors(23, 34)],
]);

/** Cilium major.minor (KubeKey writes these without a `v`) → the Kubernetes minors it supports. */
export const CILIUM_ALLOWED_VERSIONS = table([
  [['1.14'], minors(23, 27)],
  [['1.15'], minors(23, 29)],
  [['1.16'], minors(23, 30)],
  [['1.17'], minors(23, 32)],
  [['1.18'], minors(23, 33)],
  [['1.19'], minors(23, 34)],
]);

/** Kube-OVN major.minor → the Kubernetes minors it supports. */
export const KUBEOVN_ALLOWED_VERSIONS = table([
  [['v1.12', 'v1.13'], minors(23, 28)],
  [['v1.14', 'v1.15'], minors(23, 34)],
]);

/**
 * `cluster_require` as kk ships it. Differs from KubeKey only in the memory minimums (MiB, 1700 and
 * 1024, where KubeKey's 10 is compared against kB and never fires) and kk's own additions
 * (minimal_master_cpu, minimal_disk_gb, max_clock_skew_ms).
 */
export const CLUSTER_REQUIRE_DEFAULTS = {
  /** Maximum p99 fdatasync latency in ns (the name is KubeKey's, typo included). */
  etcd_disk_wal_fysnc_duration_seconds: 10_000_000,
  allow_unsupported_distribution_setup: false,
  supported_os_distributions: ['ubuntu', 'debian', 'centos', 'kylin', 'rocky'],
  require_network_plugin: ['none', 'calico', 'flannel', 'cilium', 'hybridnet', 'kube-ovn'],
  kube_version_min_required: 'v1.23.0',
  minimal_master_memory_mb: 1700,
  minimal_node_memory_mb: 1024,
  require_etcd_deployment_type: ['internal', 'external'],
  require_container_manager: ['docker', 'containerd'],
  containerd_min_version_required: 'v1.6.0',
  supported_architectures: ['amd64', 'x86_64', 'arm64', 'aarch64'],
  min_kernel_version: '4.9.17',
  minimal_master_cpu: 2,
  minimal_disk_gb: 10,
  max_clock_skew_ms: 1000,
  etcd_min_versions: ETCD_MIN_VERSIONS,
  calico_allowed_versions: CALICO_ALLOWED_VERSIONS,
  cilium_allowed_versions: CILIUM_ALLOWED_VERSIONS,
  kubeovn_allowed_versions: KUBEOVN_ALLOWED_VERSIONS,
} satisfies Vars;

/** Every default a precheck rule reads, as one nested tree in Config `spec` layout. */
export const PRECHECK_DEFAULTS = {
  cluster_require: CLUSTER_REQUIRE_DEFAULTS,
  native: { set_hostname: true },
  kubernetes: {
    apiserver: { port: 6443 },
    kubelet: { max_pods: 110 },
  },
  cni: {
    pod_cidr: '10.233.64.0/18',
    service_cidr: '10.233.0.0/18',
    ipv4_mask_size: 24,
    ipv6_mask_size: 64,
  },
  etcd: {
    deployment_type: 'external',
    port: 2379,
    peer_port: 2380,
    env: { data_dir: '/var/lib/etcd' },
  },
  cri: { container_manager: 'containerd' },
} satisfies Vars;

/** Well-known ports whose defaults are not config keys. */
export const PORTS = {
  kubelet: 10250,
  controllerManager: 10257,
  scheduler: 10259,
} as const;
