// cilium (KubeKey's cni/cilium role): release cilium in kube-system. Every image repository the
// chart uses moved to the cluster registry when there is one; the address families and the
// operator's cluster-pool CIDRs and mask sizes from cni.*; with a secondary CNI (multus,
// spiderpool) cilium must not own the CNI config directory and must let VLAN traffic through.
import semver from 'semver';
import { getNumber, getString } from '../../../../inventory/vars';
import type { ClusterModel } from '../../../../model/cluster';
import { CNI_DIR, podCidrs, redirected, repo, type HelmRelease } from './helm';

type Obj = Record<string, unknown>;

/** Sets `value` at the dotted `path` of `obj`, creating maps on the way. */
function put(obj: Obj, path: string, value: unknown): void {
  const keys = path.split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = (cur[k] ??= {}) as Obj;
  cur[keys[keys.length - 1]!] = value;
}

/** The chart's image blocks (values path → upstream repository) for a cilium version. */
export function ciliumImages(version: string): Record<string, string> {
  const v = semver.coerce(version)?.version ?? '0.0.0';
  const images: Record<string, string> = {
    image: 'quay.io/cilium/cilium',
    'certgen.image': 'quay.io/cilium/certgen',
    'hubble.relay.image': 'quay.io/cilium/hubble-relay',
    'hubble.ui.backend.image': 'quay.io/cilium/hubble-ui-backend',
    'hubble.ui.frontend.image': 'quay.io/cilium/hubble-ui',
    'envoy.image': 'quay.io/cilium/cilium-envoy',
    'operator.image': 'quay.io/cilium/operator',
    'nodeinit.image': 'quay.io/cilium/startup-script',
    'preflight.image': 'quay.io/cilium/cilium',
    'preflight.envoy.image': 'quay.io/cilium/cilium-envoy',
    'clustermesh.apiserver.image': 'quay.io/cilium/clustermesh-apiserver',
    'authentication.mutual.spire.install.initImage': 'docker.io/library/busybox',
    'authentication.mutual.spire.install.agent.image': 'ghcr.io/spiffe/spire-agent',
    'authentication.mutual.spire.install.server.image': 'ghcr.io/spiffe/spire-server',
  };
  // Images only some chart versions have (KubeKey gates them the same way).
  if (semver.satisfies(v, '>=1.14.0 <1.16.0')) images['etcd.image'] = 'quay.io/cilium/cilium-etcd-operator';
  if (semver.satisfies(v, '>=1.14.0 <1.15.0')) images['clustermesh.apiserver.kvstoremesh.image'] = 'quay.io/cilium/kvstoremesh';
  return images;
}

export function ciliumRelease(m: ClusterModel): HelmRelease {
  const version = getString(m.vars, 'cni.cilium_version') ?? '1.19.1';
  const { v4, v6 } = podCidrs(m);
  const values: Obj = {};
  const moved = redirected(m);
  for (const [path, upstream] of Object.entries(ciliumImages(version))) {
    put(values, `${path}.repository`, repo(m, upstream));
    // The chart pins upstream digests; a copy in the cluster registry may hold fewer platforms,
    // so its digest differs: pull by tag there.
    if (moved) put(values, `${path}.useDigest`, false);
  }
  values.ipv4 = { enabled: v4 !== '' };
  values.ipv6 = { enabled: v6 !== '' };
  const operator: Obj = {};
  if (v4) Object.assign(operator, { clusterPoolIPv4PodCIDRList: [v4], clusterPoolIPv4MaskSize: getNumber(m.vars, 'cni.ipv4_mask_size') ?? 24 });
  if (v6) Object.assign(operator, { clusterPoolIPv6PodCIDRList: [v6], clusterPoolIPv6MaskSize: getNumber(m.vars, 'cni.ipv6_mask_size') ?? 64 });
  values.ipam = { operator };
  const multi = getString(m.vars, 'cni.multi_cni') ?? 'none';
  if (multi === 'multus' || multi === 'spiderpool') {
    put(values, 'bpf.vlanBypass', [0]);
    put(values, 'cni.exclusive', false);
  }
  return { release: 'cilium', namespace: 'kube-system', chart: 'cilium', dir: CNI_DIR, values };
}
