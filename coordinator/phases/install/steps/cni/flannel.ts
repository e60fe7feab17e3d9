// flannel (KubeKey's cni/flannel role): release flannel in kube-flannel, whose pods need the
// privileged Pod Security level; pod CIDRs, the flannel and CNI-plugin images from ghcr (the
// cluster registry when there is one), network policy off.
import { getString } from '../../../../inventory/vars';
import type { ClusterModel } from '../../../../model/cluster';
import { CNI_DIR, chartImages, findImage, podCidrs, repo, type HelmRelease } from './helm';

export function flannelRelease(m: ClusterModel): HelmRelease {
  const version = getString(m.vars, 'cni.flannel_version') ?? 'v0.27.4';
  const images = chartImages(m, 'flannel/flannel', version);
  const tagOf = (name: string, fallback: string): string => findImage(images, `flannel-io/${name}`)?.tag ?? fallback;
  const { v4, v6 } = podCidrs(m);
  return {
    release: 'flannel',
    namespace: 'kube-flannel',
    chart: 'flannel',
    dir: CNI_DIR,
    privilegedNamespace: true,
    values: {
      podCidr: v4,
      ...(v6 ? { podCidrv6: v6 } : {}),
      flannel: {
        image: { repository: repo(m, 'ghcr.io/flannel-io/flannel'), tag: tagOf('flannel', version) },
        image_cni: { repository: repo(m, 'ghcr.io/flannel-io/flannel-cni-plugin'), tag: tagOf('flannel-cni-plugin', 'v1.8.0-flannel1') },
      },
      netpol: { enabled: false },
    },
  };
}
