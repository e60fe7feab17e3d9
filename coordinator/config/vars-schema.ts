// The schema of every variable kk reads, wherever it is set (Config spec, inventory spec.vars,
// group vars, host vars — KubeKey lets any of them set anything). Keys not listed here are kept
// untouched; a key one or two edits away from a listed one is warned about.
import { any, dict, list, map } from './schema';
import type { Schema } from './schema';
import { bool, cidrList, int, ip, kernelVersion, minorKey, minorOrVersionKey, minorVersion, oneOf, port, scalar, str, version } from './checks';

const image: Schema = map({ registry: str, repository: str, tag: str });
const extraArgs: Schema = dict(scalar);
const strList = list(str);

export const CONTAINER_MANAGERS = ['docker', 'containerd'] as const;
export const ETCD_DEPLOYMENT_TYPES = ['internal', 'external'] as const;
export const CNI_TYPES = ['calico', 'cilium', 'flannel', 'hybridnet', 'kubeovn', 'kube-ovn', 'other', 'none'] as const;
export const ENDPOINT_TYPES = ['local', 'kube-vip', 'haproxy'] as const;
export const CERT_POLICIES = ['IfNotPresent', 'Always', 'None'] as const;

const certPolicy: Schema = map({ date: str, gen_cert_policy: oneOf(CERT_POLICIES) });

const clusterRequire = map({
  etcd_disk_wal_fysnc_duration_seconds: int(0),
  allow_unsupported_distribution_setup: bool,
  supported_os_distributions: strList,
  require_network_plugin: strList,
  kube_version_min_required: version,
  minimal_master_memory_mb: int(0),
  minimal_node_memory_mb: int(0),
  require_etcd_deployment_type: strList,
  require_container_manager: strList,
  containerd_min_version_required: version,
  supported_architectures: strList,
  min_kernel_version: kernelVersion,
  minimal_master_cpu: int(0),
  minimal_disk_gb: int(0),
  max_clock_skew_ms: int(0),
  calico_allowed_versions: dict(list(minorVersion), minorKey),
  cilium_allowed_versions: dict(list(minorVersion), minorKey),
  kubeovn_allowed_versions: dict(list(minorVersion), minorKey),
  etcd_min_versions: dict(version, minorOrVersionKey),
});

const kubernetes = map({
  kube_version: version,
  cluster_name: str,
  image_repository: str,
  helm_version: version,
  sandbox_image: image,
  apiserver: map({ port, certSANs: strList, extra_args: extraArgs }),
  controller_manager: map({ extra_args: extraArgs }),
  scheduler: map({ extra_args: extraArgs }),
  kube_proxy: map({
    manage: map({ enabled: bool, affinity: any }),
    mode: oneOf(['ipvs', 'iptables', 'nftables']),
    config: any,
  }),
  kubelet: map({
    max_pods: int(1),
    pod_pids_limit: int(-1),
    container_log_max_size: str,
    container_log_max_files: int(1),
    feature_gates: dict(bool),
    extra_args: extraArgs,
    extra_config: any,
  }),
  control_plane_endpoint: map({
    host: str,
    port,
    type: oneOf(ENDPOINT_TYPES),
    local: map({ address: ip() }),
    kube_vip: map({ address: ip(), mode: oneOf(['ARP', 'BGP']), env: dict(scalar), image }),
    haproxy: map({ address: ip(), health_port: port, image }),
  }),
  certs: map({ ca_cert: str, ca_key: str, front_proxy_cert: str, front_proxy_key: str, renew: bool }),
  backup: map({ kubeadm_config_dir: str }),
  patches: list(map({ name: str, path: str, content: str })),
  skip_phases: strList,
  custom_labels: any,
  custom_taints: any,
  storage_disks: list(
    map({
      device: str,
      mountpoint: str,
      filesystem: oneOf(['ext4', 'xfs', 'btrfs']),
      partition: any,
      overwrite: bool,
      mount_option: str,
      vg_name: str,
      lv_name: str,
    }),
  ),
  multipath: map({ enabled: bool, path: str, backup: str, reload: any, devnodes: strList }),
});

const cni = map({
  type: oneOf(CNI_TYPES),
  pod_cidr: cidrList,
  service_cidr: cidrList,
  ipv4_mask_size: int(0, 32),
  ipv6_mask_size: int(0, 128),
  multi_cni: oneOf(['none', 'multus', 'spiderpool']),
  multus: map({ image }),
  cni_plugins_version: version,
  calico_version: version,
  cilium_version: version,
  flannel_version: version,
  kubeovn_version: version,
  hybridnet_version: version,
  spiderpool_version: version,
  ipv4_support: any,
  ipv4_pod_cidr: any,
  ipv6_support: any,
  ipv6_pod_cidr: any,
  calico: map({ values: any }),
  cilium: map({ values: any }),
  flannel: map({ values: any }),
  kubeovn: map({ values: any }),
  hybridnet: map({ values: any }),
  spiderpool: map({ values: any }),
});

const cri = map({
  container_manager: oneOf(CONTAINER_MANAGERS),
  cgroup_driver: oneOf(['systemd', 'cgroupfs']),
  cri_socket: str,
  registry: map({
    mirrors: strList,
    insecure_registries: strList,
    auths: list(
      map({
        registry: str,
        username: str,
        password: str,
        skip_tls_verify: bool,
        ca_file: str,
        cert_file: str,
        key_file: str,
        plain_http: bool,
      }),
    ),
  }),
  docker: map({ daemon_policy: oneOf(['', 'merge', 'override']), daemon: any, data_root: str }),
  containerd: map({ config_policy: oneOf(['', 'merge', 'override']), config: any, data_root: str }),
  crictl_version: version,
  docker_version: version,
  cridockerd_version: version,
  containerd_version: version,
  runc_version: version,
});

const etcd = map({
  deployment_type: oneOf(ETCD_DEPLOYMENT_TYPES),
  etcd_version: version,
  image,
  port,
  peer_port: port,
  env: map({
    election_timeout: int(1),
    heartbeat_interval: int(1),
    compaction_retention: int(0),
    snapshot_count: int(0),
    data_dir: str,
    token: str,
    metrics: str,
    quota_backend_bytes: int(0),
    max_request_bytes: int(0),
    max_snapshots: int(0),
    max_wals: int(0),
    log_level: str,
    unsupported_arch: str,
  }),
  backup: map({ backup_dir: str, keep_backup_number: int(0), etcd_backup_script: str, on_calendar: str }),
  performance: bool,
  traffic_priority: bool,
  ca_file: str,
  server_cert_file: str,
  server_key_file: str,
  client_cert_file: str,
  client_key_file: str,
});

const imageRegistry = map({
  type: oneOf(['', 'harbor', 'docker-registry']),
  ha_vip: ip(),
  auth: map({
    registry: str,
    username: str,
    password: str,
    plain_http: bool,
    skip_tls_verify: bool,
    ca_file: str,
    cert_file: str,
    key_file: str,
  }),
  http_port: port,
  https_port: port,
  dockerio_registry: str,
  quayio_registry: str,
  ghcrio_registry: str,
  k8sio_registry: str,
  keepalived_version: version,
  harbor_version: version,
  dockercompose_version: version,
  docker_registry_version: version,
});

const dns = map({
  domain: str,
  nodelocaldns: map({ enabled: bool, ip: ip(), image }),
  coredns: map({ ip: ip(), image, dns_etc_hosts: list(any), zone_configs: list(any) }),
});

const storageClass = map({
  local: map({ enabled: bool, default: bool, path: str }),
  nfs: map({ enabled: bool, default: bool, server: str, path: str }),
  localpv_provisioner_version: version,
  nfs_provisioner_version: version,
});

const download = map({
  timeout: str,
  cn_host: str,
  os: str,
  arch: strList,
  artifact_file: str,
  artifact_md5: str,
  artifact_sha256: str,
  base_url: str,
  fetch: bool,
  artifact_url: dict(str),
  tools: any,
  charts: list(any),
  iso: list(any),
  cni: any,
  storage_class: any,
  cri: any,
  images: any,
});

export const VARS_SCHEMA: Schema = map({
  // Per-host keys (usually set in spec.hosts.<name>).
  internal_ipv4: ip('ipv4'),
  internal_ipv6: ip('ipv6'),
  connector: any,
  annotations: dict(scalar),
  fact_caching: oneOf(['jsonfile', 'yamlfile', 'memory']),
  // Cluster-wide keys.
  work_dir: str,
  binary_dir: str,
  scripts_dir: str,
  artifact_dir: str,
  tmp_dir: str,
  transform_architectures: dict(strList),
  zone: str,
  security_enhancement: bool,
  audit: bool,
  pre_install_groups: strList,
  post_install_groups: strList,
  delete: map({ cri: bool, etcd: bool, dns: bool, image_registry: bool, data: bool }),
  image_manifests: list(any),
  add_nodes: strList,
  delete_nodes: strList,
  cluster_require: clusterRequire,
  certs: map({
    ca: certPolicy,
    kubernetes_ca: certPolicy,
    front_proxy_ca: certPolicy,
    etcd: certPolicy,
    image_registry: certPolicy,
  }),
  image_registry: imageRegistry,
  native: map({
    ntp: map({ servers: strList, enabled: bool }),
    timezone: str,
    nfs: map({ share_dir: strList }),
    set_hostname: bool,
    localDNS: strList,
  }),
  kubernetes,
  cni,
  cri,
  etcd,
  dns,
  storage_class: storageClass,
  download,
  nfs: map({ share_dir: strList }),
});
