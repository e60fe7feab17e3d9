// Built-in defaults: the lowest layer of every host's variables (KubeKey v4 roles/defaults,
// kubekey-v4.md §1.4). Only fixed values live here; values KubeKey computes from other variables
// (registry redirects, CRI socket, CoreDNS IP …) are filled in after merging by ./derived.
import type { Vars } from '../model/cluster';
import { clusterRequireDefaults } from './cluster-require';
import { BUILTIN_WORK_DIR } from '../model/work-dir';

const image = (repository: string, extra: Vars = {}): Vars => ({ repository, ...extra });

export function builtinDefaults(): Vars {
  return {
    work_dir: BUILTIN_WORK_DIR,
    tmp_dir: '/tmp/kubekey',
    transform_architectures: { amd64: ['amd64', 'x86_64'], arm64: ['arm64', 'aarch64'] },
    zone: '',
    security_enhancement: false,
    audit: false,
    pre_install_groups: [],
    post_install_groups: [],
    delete: { cri: false, etcd: false, dns: false, image_registry: false, data: false },
    image_manifests: [],
    cluster_require: clusterRequireDefaults(),
    certs: {
      ca: { date: '87600h', gen_cert_policy: 'IfNotPresent' },
      kubernetes_ca: { date: '87600h', gen_cert_policy: 'IfNotPresent' },
      front_proxy_ca: { date: '87600h', gen_cert_policy: 'IfNotPresent' },
      etcd: { date: '87600h', gen_cert_policy: 'IfNotPresent' },
      image_registry: { date: '87600h', gen_cert_policy: 'IfNotPresent' },
    },
    image_registry: {
      type: '',
      ha_vip: '',
      auth: { plain_http: false },
    },
    native: {
      ntp: { servers: ['cn.pool.ntp.org'], enabled: true },
      timezone: 'Asia/Shanghai',
      nfs: { share_dir: ['/share/'] },
      set_hostname: true,
      localDNS: ['/etc/hosts'],
    },
    kubernetes: {
      cluster_name: 'kubekey',
      sandbox_image: {},
      apiserver: { port: 6443, certSANs: [], extra_args: {} },
      controller_manager: { extra_args: { 'cluster-signing-duration': '87600h' } },
      scheduler: { extra_args: {} },
      kube_proxy: {
        manage: { enabled: false },
        mode: 'ipvs',
        config: { iptables: { masqueradeAll: false, masqueradeBit: 14, minSyncPeriod: '0s', syncPeriod: '30s' } },
      },
      kubelet: { max_pods: 110, pod_pids_limit: 10000, container_log_max_size: '5Mi', container_log_max_files: 3 },
      control_plane_endpoint: {
        host: 'lb.kubesphere.local',
        type: 'local',
        local: { address: '' },
        kube_vip: {
          address: '',
          mode: 'ARP',
          env: {
            port: '6443',
            vip_cidr: '32',
            cp_enable: 'true',
            cp_namespace: 'kube-system',
            vip_ddns: 'false',
            svc_enable: 'true',
            lb_enable: 'true',
            lb_port: '6443',
          },
          image: image('plndr/kube-vip', { tag: 'v0.7.2' }),
        },
        haproxy: { address: '127.0.0.1', health_port: 8081, image: image('library/haproxy', { tag: '2.9.6-alpine' }) },
      },
      certs: { ca_cert: '', ca_key: '', front_proxy_cert: '', front_proxy_key: '', renew: true },
      backup: { kubeadm_config_dir: '/etc/kubekey/backup/kubernetes' },
      patches: [],
      skip_phases: [],
    },
    cni: {
      type: 'calico',
      pod_cidr: '10.233.64.0/18',
      service_cidr: '10.233.0.0/18',
      ipv4_mask_size: 24,
      ipv6_mask_size: 64,
      multi_cni: 'none',
      multus: { image: image('k8snetworkplumbingwg/multus-cni') },
    },
    cri: {
      container_manager: 'containerd',
      cgroup_driver: 'systemd',
      registry: { mirrors: ['https://registry-1.docker.io'], insecure_registries: [], auths: [] },
      docker: { daemon_policy: '' },
      containerd: { config_policy: '' },
    },
    etcd: {
      deployment_type: 'external',
      image: image('kubesphere/etcd'),
      port: 2379,
      peer_port: 2380,
      env: {
        election_timeout: 5000,
        heartbeat_interval: 250,
        compaction_retention: 8,
        snapshot_count: 10000,
        data_dir: '/var/lib/etcd',
        token: 'k8s_etcd',
      },
      backup: {
        backup_dir: '/var/lib/etcd-backup',
        keep_backup_number: 5,
        etcd_backup_script: 'backup.sh',
        on_calendar: '*-*-* *:00/30:00',
      },
      performance: false,
      traffic_priority: false,
    },
    dns: {
      domain: 'cluster.local',
      nodelocaldns: { enabled: true, ip: '169.254.25.10', image: image('dns/k8s-dns-node-cache') },
      coredns: { image: image('coredns'), dns_etc_hosts: [] },
    },
    storage_class: {
      local: { enabled: true, default: true, path: '/var/openebs/local' },
      nfs: { enabled: false, default: false, path: '/share/kubernetes' },
    },
    download: {
      timeout: '300s',
      cn_host: 'kubekey.pek3b.qingstor.com',
      os: 'linux',
      arch: ['amd64'],
      artifact_file: '',
      artifact_md5: '',
      fetch: true,
      charts: [],
      iso: [],
    },
    nfs: { share_dir: ['/share/'] },
  };
}
