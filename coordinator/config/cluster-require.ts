// `cluster_require`: the thresholds and compatibility tables precheck rules compare against
// (precheck.md "Default tables"). Users override any entry in their Config; maps merge key by key,
// lists replace. Where a figure differs from KubeKey's, docs/defaults-vs-kubekey.md says why.
import type { Vars } from '../model/cluster';

const minors = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `v1.${from + i}`);

function etcdMinVersions(): Vars {
  const table: Vars = {};
  for (const m of minors(23, 27)) table[m] = 'v3.2.18';
  for (const m of minors(28, 30)) table[m] = 'v3.4.13-4';
  table['v1.31'] = 'v3.5.11-0';
  table['v1.31.14'] = 'v3.5.24-0';
  table['v1.32'] = 'v3.5.11-0';
  table['v1.32.10'] = 'v3.5.24-0';
  table['v1.32.11'] = 'v3.5.24-0';
  table['v1.33'] = 'v3.5.21-0';
  for (let p = 0; p <= 5; p++) table[`v1.33.${p}`] = 'v3.5.11-0';
  table['v1.34'] = 'v3.5.24-0';
  table['v1.34.0'] = 'v3.5.21-0';
  table['v1.34.1'] = 'v3.5.21-0';
  return table;
}

export function clusterRequireDefaults(): Vars {
  return {
    // Nanoseconds; compared against fio's fdatasync percentile on etcd hosts.
    etcd_disk_wal_fysnc_duration_seconds: 10000000,
    allow_unsupported_distribution_setup: false,
    // Compared unquoted and lower-cased (os-release values may keep their quotes).
    supported_os_distributions: ['ubuntu', 'debian', 'centos', 'kylin', 'rocky'],
    require_network_plugin: ['none', 'calico', 'flannel', 'cilium', 'hybridnet', 'kube-ovn'],
    kube_version_min_required: 'v1.23.0',
    // MiB of MemTotal; kubeadm's own preflight wants 1700 on control planes, 1024 elsewhere.
    minimal_master_memory_mb: 1700,
    minimal_node_memory_mb: 1024,
    require_etcd_deployment_type: ['internal', 'external'],
    require_container_manager: ['docker', 'containerd'],
    containerd_min_version_required: 'v1.6.0',
    supported_architectures: ['amd64', 'x86_64', 'arm64', 'aarch64'],
    min_kernel_version: '4.9.17',
    // kk additions (no KubeKey counterpart): used by the node.* and cluster.* rules.
    minimal_master_cpu: 2,
    minimal_disk_gb: 10,
    max_clock_skew_ms: 1000,
    calico_allowed_versions: {
      'v3.25': minors(23, 28),
      'v3.26': minors(23, 28),
      'v3.27': minors(23, 29),
      'v3.28': minors(23, 30),
      'v3.29': minors(23, 32),
      'v3.30': minors(23, 33),
      'v3.31': minors(23, 34),
    },
    cilium_allowed_versions: {
      '1.14': minors(23, 27),
      '1.15': minors(23, 29),
      '1.16': minors(23, 30),
      '1.17': minors(23, 32),
      '1.18': minors(23, 33),
      '1.19': minors(23, 34),
    },
    kubeovn_allowed_versions: {
      'v1.12': minors(23, 28),
      'v1.13': minors(23, 28),
      'v1.14': minors(23, 34),
      'v1.15': minors(23, 34),
    },
    etcd_min_versions: etcdMinVersions(),
  };
}
