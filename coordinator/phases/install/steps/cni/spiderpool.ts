// spiderpool as the secondary CNI (cni.multi_cni: spiderpool; KubeKey's cni/spiderpool role):
// release spiderpool in kube-system, every image from the ghcr registry (the cluster registry when
// there is one), the cluster's DNS domain, and IPAM for the address families the pod CIDR has.
import { getString } from '../../../../inventory/vars';
import type { ClusterModel } from '../../../../model/cluster';
import { CNI_DIR, podCidrs, registryFor, type HelmRelease } from './helm';

export function spiderpoolRelease(m: ClusterModel): HelmRelease {
  const { v4, v6 } = podCidrs(m);
  return {
    release: 'spiderpool',
    namespace: 'kube-system',
    chart: 'spiderpool',
    dir: CNI_DIR,
    values: {
      global: { imageRegistryOverride: registryFor(m, 'ghcr.io'), clusterDnsDomain: getString(m.vars, 'dns.domain') ?? 'cluster.local' },
      ipam: { enableIPv4: v4 !== '', enableIPv6: v6 !== '' },
    },
  };
}
