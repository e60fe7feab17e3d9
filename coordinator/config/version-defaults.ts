// Component versions pinned per Kubernetes minor (KubeKey v4 roles/defaults/vars/v1.XX.yaml).
// They sit just above the built-in defaults: they fill what the user left unset and never
// override inventory or Config values.
import type { Vars } from '../model/cluster';
import { kubeMinorKey } from './formats';

interface Pins {
  helm: string;
  pause: string;
  etcd: string;
  crictl: string;
  docker: string;
  cridockerd: string;
  containerd: string;
  runc: string;
  calico: string;
  cilium: string;
  kubeovn: string;
  coredns: string;
  nodelocaldns: string;
  cri: 'docker' | 'containerd';
}

// One row per minor; columns in the order of the Pins fields.
const ROWS: Record<string, Pins> = {
  'v1.23': pins(
    'v3.8.2',
    '3.6',
    'v3.5.6',
    'v1.23.0',
    '20.10.23',
    'v0.3.2',
    'v1.6.20',
    'v1.1.5',
    'v3.25.2',
    '1.14.19',
    'v1.13.15',
    'v1.8.6',
    '1.21.1',
    'docker',
  ),
  'v1.24': pins(
    'v3.10.3',
    '3.7',
    'v3.5.6',
    'v1.24.0',
    '20.10.23',
    'v0.3.2',
    'v1.6.20',
    'v1.1.5',
    'v3.26.5',
    '1.14.19',
    'v1.13.15',
    'v1.8.6',
    '1.21.1',
    'containerd',
  ),
  'v1.25': pins(
    'v3.10.3',
    '3.8',
    'v3.5.9',
    'v1.25.0',
    '20.10.23',
    'v0.3.2',
    'v1.6.20',
    'v1.1.5',
    'v3.26.5',
    '1.14.19',
    'v1.13.15',
    'v1.9.3',
    '1.22.8',
    'containerd',
  ),
  'v1.26': pins(
    'v3.11.2',
    '3.9',
    'v3.5.10',
    'v1.26.0',
    '23.0.6',
    'v0.3.7',
    'v1.6.21',
    'v1.1.7',
    'v3.26.5',
    '1.15.19',
    'v1.13.15',
    'v1.9.3',
    '1.22.13',
    'containerd',
  ),
  'v1.27': pins(
    'v3.12.1',
    '3.9',
    'v3.5.12',
    'v1.27.0',
    '24.0.9',
    'v0.3.15',
    'v1.7.13',
    'v1.1.12',
    'v3.28.5',
    '1.16.18',
    'v1.13.15',
    'v1.10.1',
    '1.22.20',
    'containerd',
  ),
  'v1.28': pins(
    'v3.12.1',
    '3.9',
    'v3.5.15',
    'v1.28.0',
    '24.0.9',
    'v0.3.15',
    'v1.7.13',
    'v1.1.12',
    'v3.28.5',
    '1.16.18',
    'v1.13.15',
    'v1.10.1',
    '1.22.23',
    'containerd',
  ),
  'v1.29': pins(
    'v3.13.3',
    '3.9',
    'v3.5.15',
    'v1.29.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.29.7',
    '1.17.11',
    'v1.15.0',
    'v1.11.1',
    '1.22.23',
    'containerd',
  ),
  'v1.30': pins(
    'v3.13.3',
    '3.9',
    'v3.5.15',
    'v1.30.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.29.7',
    '1.18.7',
    'v1.15.0',
    'v1.11.3',
    '1.22.28',
    'containerd',
  ),
  'v1.31': pins(
    'v3.13.3',
    '3.10',
    'v3.5.24',
    'v1.31.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.30.5',
    '1.19.1',
    'v1.15.0',
    'v1.11.3',
    '1.23.1',
    'containerd',
  ),
  'v1.32': pins(
    'v3.14.3',
    '3.10',
    'v3.5.24',
    'v1.32.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.31.3',
    '1.19.1',
    'v1.15.0',
    'v1.11.3',
    '1.23.1',
    'containerd',
  ),
  'v1.33': pins(
    'v3.18.5',
    '3.10',
    'v3.5.24',
    'v1.33.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.31.3',
    '1.19.1',
    'v1.15.0',
    'v1.12.0',
    '1.25.0',
    'containerd',
  ),
  'v1.34': pins(
    'v3.18.5',
    '3.10.1',
    'v3.6.5',
    'v1.34.0',
    '25.0.5',
    'v0.3.21',
    'v1.7.13',
    'v1.1.12',
    'v3.31.3',
    '1.19.1',
    'v1.15.0',
    'v1.12.1',
    '1.26.4',
    'containerd',
  ),
};

function pins(
  helm: string,
  pause: string,
  etcd: string,
  crictl: string,
  docker: string,
  cridockerd: string,
  containerd: string,
  runc: string,
  calico: string,
  cilium: string,
  kubeovn: string,
  coredns: string,
  nodelocaldns: string,
  cri: Pins['cri'],
): Pins {
  return { helm, pause, etcd, crictl, docker, cridockerd, containerd, runc, calico, cilium, kubeovn, coredns, nodelocaldns, cri };
}

/** Kubernetes minors kk has pinned component versions for, oldest first (`v1.23` …). */
export const SUPPORTED_KUBE_MINORS: readonly string[] = Object.keys(ROWS);

/** `kk create cluster` falls back to this when neither flag nor Config names a version (KubeKey's CLI default). */
export const DEFAULT_KUBE_VERSION = 'v1.34.3';

/**
 * The version-specific defaults for a Kubernetes version (`v1.33.1` → the v1.33 pins), shaped as
 * Config vars; null when the version is not a version or its minor has no pins.
 */
export function versionDefaults(kubeVersion: string): Vars | null {
  const minor = kubeMinorKey(kubeVersion);
  const p = minor ? ROWS[minor] : undefined;
  if (!p) return null;
  return {
    kubernetes: {
      helm_version: p.helm,
      sandbox_image: { tag: p.pause },
      control_plane_endpoint: {
        kube_vip: { image: { tag: 'v0.7.2' } },
        haproxy: { image: { tag: '2.9.6-alpine' } },
      },
    },
    etcd: { etcd_version: p.etcd },
    image_registry: {
      keepalived_version: '2.3.4',
      harbor_version: 'v2.10.2',
      dockercompose_version: 'v2.20.3',
      docker_registry_version: '2.8.3',
    },
    cri: {
      container_manager: p.cri,
      crictl_version: p.crictl,
      docker_version: p.docker,
      cridockerd_version: p.cridockerd,
      containerd_version: p.containerd,
      runc_version: p.runc,
    },
    cni: {
      cni_plugins_version: 'v1.9.1',
      calico_version: p.calico,
      cilium_version: p.cilium,
      flannel_version: 'v0.27.4',
      kubeovn_version: p.kubeovn,
      hybridnet_version: '0.6.8',
      multus: { image: { tag: 'v4.2.4' } },
      spiderpool_version: 'v1.1.1',
    },
    storage_class: {
      localpv_provisioner_version: '4.4.0',
      nfs_provisioner_version: '4.0.18',
    },
    dns: {
      coredns: { image: { tag: p.coredns } },
      nodelocaldns: { image: { tag: p.nodelocaldns } },
    },
  };
}
