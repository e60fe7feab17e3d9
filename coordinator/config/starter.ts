// Starter files for `create config --with-kubernetes vX.Y.Z` and `create inventory`: the same
// shapes KubeKey v4 writes, usable as they are, with the version-specific component versions
// pinned in the Config so the file records exactly what will be installed.
import { UserError } from '../../shared/errors';
import type { Vars } from '../model/cluster';
import { kubeMinorKey, parseVersion } from './formats';
import { SUPPORTED_KUBE_MINORS, versionDefaults } from './version-defaults';
import { getString } from '../model/vars';

const q = (s: string): string => JSON.stringify(s);

export function starterConfig(kubeVersion: string): string {
  if (!parseVersion(kubeVersion)) {
    throw new UserError(`--with-kubernetes ${q(kubeVersion)} is not a version (expected e.g. v1.33.1)`, 2);
  }
  const version = kubeVersion.startsWith('v') ? kubeVersion : `v${kubeVersion}`;
  const pins: Vars | null = versionDefaults(version);
  if (!pins) {
    const range = `${SUPPORTED_KUBE_MINORS[0]}–${SUPPORTED_KUBE_MINORS[SUPPORTED_KUBE_MINORS.length - 1]}`;
    throw new UserError(`--with-kubernetes ${version}: kk has component versions for Kubernetes ${range} only (got ${kubeMinorKey(version)})`, 2);
  }
  const pin = (path: string): string => q(getString(pins, path) ?? '');
  const cm = getString(pins, 'cri.container_manager') ?? 'containerd';
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  # "cn" makes downloads prefer mirrors reachable from mainland China.
  zone: ""
  kubernetes:
    # The Kubernetes release to install.
    kube_version: ${version}
    # helm, used to install the CNI and storage charts.
    helm_version: ${pin('kubernetes.helm_version')}
    # Tag of the sandbox (pause) image.
    sandbox_image:
      tag: ${pin('kubernetes.sandbox_image.tag')}
    control_plane_endpoint:
      # How nodes reach the API server: local (each control plane serves itself, workers use
      # the first control plane), kube-vip (a floating VIP) or haproxy (a local proxy on every node).
      type: local
      host: lb.kubesphere.local
      kube_vip:
        # Required when type is kube-vip: a free address on the nodes' network.
        address: ""
        image:
          tag: ${pin('kubernetes.control_plane_endpoint.kube_vip.image.tag')}
      haproxy:
        image:
          tag: ${pin('kubernetes.control_plane_endpoint.haproxy.image.tag')}
  etcd:
    # external: kk runs etcd as a service on the "etcd" group; internal: kubeadm's stacked etcd.
    deployment_type: external
    etcd_version: ${pin('etcd.etcd_version')}
  image_registry:
    # Install a registry on the "image_registry" group: harbor or docker-registry; "" installs none.
    type: ""
    # Virtual IP for a highly available registry (several registry hosts); "" for none.
    ha_vip: ""
    # auth:
    #   # An existing registry to pull every image from (host[:port][/project]).
    #   registry: dockerhub.kubekey.local
    #   plain_http: false
    #   username: admin
    #   password: Harbor12345
    # keepalived_version: ${pin('image_registry.keepalived_version')}
    # harbor_version: ${pin('image_registry.harbor_version')}
    # dockercompose_version: ${pin('image_registry.dockercompose_version')}
    # docker_registry_version: ${pin('image_registry.docker_registry_version')}
  cri:
    # Container runtime: containerd or docker (docker with Kubernetes >= 1.24 goes through cri-dockerd).
    container_manager: ${cm}
    crictl_version: ${pin('cri.crictl_version')}
    # containerd_version: ${pin('cri.containerd_version')}
    # runc_version: ${pin('cri.runc_version')}
    # docker_version: ${pin('cri.docker_version')}
    # cridockerd_version: ${pin('cri.cridockerd_version')}
  cni:
    # Network plugin: calico, cilium, flannel, hybridnet, kubeovn, or none to install your own.
    type: calico
    # Pod and Service address pools; dual stack is written "v4cidr,v6cidr".
    pod_cidr: 10.233.64.0/18
    service_cidr: 10.233.0.0/18
    # Size of the pod block each node gets (IPv4 / IPv6 prefix length).
    ipv4_mask_size: 24
    ipv6_mask_size: 64
    # Secondary CNI: none, multus or spiderpool.
    multi_cni: none
    calico_version: ${pin('cni.calico_version')}
    # cilium_version: ${pin('cni.cilium_version')}
    # flannel_version: ${pin('cni.flannel_version')}
    # kubeovn_version: ${pin('cni.kubeovn_version')}
    # hybridnet_version: ${pin('cni.hybridnet_version')}
    # spiderpool_version: ${pin('cni.spiderpool_version')}
  storage_class:
    local:
      # OpenEBS local-path volumes under /var/openebs/local, as the default storage class.
      enabled: true
      default: true
    localpv_provisioner_version: ${pin('storage_class.localpv_provisioner_version')}
    nfs:
      # Dynamic NFS volumes served by the single host of the "nfs" group.
      enabled: false
    # nfs_provisioner_version: ${pin('storage_class.nfs_provisioner_version')}
  dns:
    coredns:
      image:
        tag: ${pin('dns.coredns.image.tag')}
    nodelocaldns:
      # A DNS cache on every node (169.254.25.10).
      enabled: true
      image:
        tag: ${pin('dns.nodelocaldns.image.tag')}
  # cluster_require:
  #   # Precheck thresholds; see the README for every key and its default.
  #   minimal_master_memory_mb: 1700
  #   minimal_node_memory_mb: 1024
  # Extra images to carry in an offline artifact.
  image_manifests: []
`;
}

export function starterInventory(): string {
  return `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata:
  name: default
spec:
  # Every machine of the cluster, by name. kk reaches each one through its agent (matched by this
  # name, or by internal_ipv4 / internal_ipv6), so SSH "connector" settings are not needed.
  hosts:
    # "localhost" is the machine running the coordinator.
    localhost: {}
    # node1:
    #   internal_ipv4: 192.168.0.11
    #   # internal_ipv6: fd00::11
    # node2:
    #   internal_ipv4: 192.168.0.12
  # Roles: which hosts do what. A group may list hosts and other groups.
  groups:
    # Every Kubernetes node: the control plane and the workers.
    k8s_cluster:
      groups:
        - kube_control_plane
        - kube_worker
    # Control-plane nodes (an odd number, usually 1 or 3).
    kube_control_plane:
      hosts:
        - localhost
    # Worker nodes.
    kube_worker:
      hosts:
        - localhost
    # etcd members when etcd.deployment_type is external (an odd number).
    etcd:
      hosts:
        - localhost
    # Hosts for a private image registry (see image_registry.type in the config).
    # image_registry:
    #   hosts:
    #     - node1
    # The NFS server for the nfs storage class (exactly one host).
    # nfs:
    #   hosts:
    #     - node1
  # Variables for every host (group "vars" and host entries override them; the config overrides all).
  # vars: {}
`;
}
