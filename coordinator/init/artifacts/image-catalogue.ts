// The images each CNI / storage chart version needs, from KubeKey's `download.images` catalogue
// (builtin/core/roles/defaults/defaults/main/10-download.yaml). An operator's own
// `download.images["<chart>"]["<version>"]` list replaces the built-in one for that version.

const calicoCommon = (v: string, extra: string[]): string[] => [
  `docker.io/calico/typha:${v}`,
  `quay.io/calico/node:${v}`,
  `docker.io/calico/node-windows:${v}`,
  `docker.io/calico/cni:${v}`,
  `docker.io/calico/cni-windows:${v}`,
  `docker.io/calico/apiserver:${v}`,
  `docker.io/calico/kube-controllers:${v}`,
  `docker.io/calico/flannel-migration-controller:${v}`,
  `docker.io/calico/networking-calico:${v}`,
  'docker.io/flannel/flannel:v0.24.4',
  `docker.io/calico/dikastes:${v}`,
  `quay.io/calico/pod2daemon-flexvol:${v}`,
  `docker.io/calico/csi-node-driver-registrar:${v}`,
  ...extra,
];
const calico330 = (v: string): string[] => [
  `docker.io/calico/envoy-gateway:${v}`,
  `docker.io/calico/envoy-proxy:${v}`,
  `docker.io/calico/envoy-ratelimit:${v}`,
  `docker.io/calico/csi:${v}`,
  `docker.io/calico/key-cert-provisioner:${v}`,
  `docker.io/calico/goldmane:${v}`,
  `docker.io/calico/whisker:${v}`,
  `docker.io/calico/whisker-backend:${v}`,
];
const cilium = (
  v: string,
  certgen: string,
  ui: string,
  envoy: string,
  startup: string,
  busybox: string | null,
  spire: string,
  old: string[] = [],
): string[] => [
  `quay.io/cilium/cilium:v${v}`,
  `quay.io/cilium/certgen:${certgen}`,
  `quay.io/cilium/hubble-relay:v${v}`,
  `quay.io/cilium/hubble-ui-backend:${ui}`,
  `quay.io/cilium/hubble-ui:${ui}`,
  `quay.io/cilium/cilium-envoy:${envoy}`,
  // the chart names operator.image.repository and runs it with its "-generic" suffix (no cloud provider)
  `quay.io/cilium/operator-generic:v${v}`,
  `quay.io/cilium/startup-script:${startup}`,
  `quay.io/cilium/clustermesh-apiserver:v${v}`,
  ...old,
  ...(busybox ? [`docker.io/library/busybox:${busybox}`] : []),
  `ghcr.io/spiffe/spire-agent:${spire}`,
  `ghcr.io/spiffe/spire-server:${spire}`,
];
const ENVOY_134 = 'v1.34.12-1765374555-6a93b0bbba8d6dc75b651cbafeedb062b2997716';
const STARTUP_NEW = '1755531540-60ee83e';
const STARTUP_OLD = 'c54c7edeab7fde4da68e59acd319ab24af242c3f';

/** chart → version → images. */
export const IMAGE_CATALOGUE: Record<string, Record<string, string[]>> = {
  'openebs-localpv/localpv-provisioner': {
    '4.4.0': ['docker.io/openebs/linux-utils:4.3.0', 'docker.io/openebs/provisioner-localpv:4.4.0'],
  },
  'nfs-subdir-external-provisioner/nfs-subdir-external-provisioner': {
    '4.0.18': ['registry.k8s.io/sig-storage/nfs-subdir-external-provisioner:v4.0.2'],
  },
  'projectcalico/tigera-operator': {
    'v3.25.2': [
      'quay.io/tigera/operator:v1.29.6',
      'docker.io/calico/apiserver:v3.25.2',
      'docker.io/calico/cni:v3.25.2',
      'docker.io/calico/csi:v3.25.2',
      'docker.io/calico/ctl:v3.25.2',
      'docker.io/calico/kube-controllers:v3.25.2',
      'docker.io/calico/node-driver-registrar:v3.25.2',
      'docker.io/calico/typha:v3.25.2',
      'docker.io/calico/node:v3.25.2',
      'docker.io/calico/pod2daemon-flexvol:v3.25.2',
      'docker.io/flannel/flannel:v0.24.4',
    ],
    'v3.26.5': ['quay.io/tigera/operator:v1.30.11', 'docker.io/calico/ctl:v3.26.5', ...calicoCommon('v3.26.5', ['docker.io/calico/csi-driver:v3.26.5'])],
    'v3.28.5': ['quay.io/tigera/operator:v1.34.13', 'docker.io/calico/ctl:v3.28.5', ...calicoCommon('v3.28.5', ['docker.io/calico/csi-driver:v3.28.5'])],
    'v3.29.7': [
      'quay.io/tigera/operator:v1.36.16',
      'docker.io/calico/ctl:v3.29.7',
      'docker.io/calico/windows:v3.29.7',
      ...calicoCommon('v3.29.7', ['docker.io/calico/csi-driver:v3.29.7']),
    ],
    'v3.30.5': ['quay.io/tigera/operator:v1.38.9', 'docker.io/calico/ctl:v3.30.5', ...calicoCommon('v3.30.5', calico330('v3.30.5'))],
    'v3.31.3': ['quay.io/tigera/operator:v1.40.3', 'quay.io/calico/ctl:v3.31.3', ...calicoCommon('v3.31.3', calico330('v3.31.3'))],
  },
  'cilium/cilium': {
    '1.14.19': cilium('1.14.19', 'v0.1.16', 'v0.13.1', 'v1.30.9-1734953328-6db0e437ba7ed2169f032ceec25922dd06e0b12b', STARTUP_OLD, null, '1.6.3', [
      'quay.io/cilium/cilium-etcd-operator:v2.0.7',
      'quay.io/cilium/kvstoremesh:v1.14.19',
      'quay.io/coreos/etcd:v3.5.4',
    ]),
    '1.15.19': cilium('1.15.19', 'v0.1.19', 'v0.13.2', 'v1.33.4-1752151664-7c2edb0b44cf95f326d628b837fcdd845102ba68', STARTUP_OLD, '1.36.1', '1.8.5', [
      'quay.io/cilium/cilium-etcd-operator:v2.0.7',
    ]),
    '1.16.18': cilium('1.16.18', 'v0.3.1', 'v0.13.3', ENVOY_134, STARTUP_NEW, '1.36.1', '1.9.6'),
    '1.17.11': cilium('1.17.11', 'v0.3.1', 'v0.13.3', ENVOY_134, STARTUP_NEW, '1.37.0', '1.9.6'),
    '1.18.5': cilium('1.18.5', 'v0.3.1', 'v0.13.3', ENVOY_134, STARTUP_NEW, '1.37.0', '1.12.4'),
  },
  'flannel/flannel': {
    'v0.27.4': ['ghcr.io/flannel-io/flannel-cni-plugin:v1.8.0-flannel1', 'ghcr.io/flannel-io/flannel:v0.27.4'],
  },
  'hybridnet/hybridnet': { '0.6.8': ['docker.io/hybridnetdev/hybridnet:v0.8.8'] },
  'kubeovn/kube-ovn': {
    'v1.13.15': ['docker.io/kubeovn/kube-ovn:v1.13.15', 'docker.io/kubeovn/vpc-nat-gateway:v1.13.15'],
    'v1.15.0': ['docker.io/kubeovn/kube-ovn:v1.15.0', 'docker.io/kubeovn/vpc-nat-gateway:v1.15.0'],
  },
};
