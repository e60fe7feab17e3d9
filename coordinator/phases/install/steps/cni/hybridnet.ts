// hybridnet (KubeKey's cni/hybridnet role): release hybridnet in kube-system, images from the
// docker registry (the cluster registry when there is one).
import type { ClusterModel } from '../../../../model/cluster';
import { CNI_DIR, registryFor, type HelmRelease } from './helm';

export function hybridnetRelease(m: ClusterModel): HelmRelease {
  return {
    release: 'hybridnet',
    namespace: 'kube-system',
    chart: 'hybridnet',
    dir: CNI_DIR,
    values: { images: { registryURL: registryFor(m, 'docker.io') } },
  };
}
