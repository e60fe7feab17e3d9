// calico through the tigera-operator chart (KubeKey's cni/calico role): release calico in
// tigera-operator. The operator pulls from quay, calico's own images from the docker registry
// (both the cluster registry when there is one); BGP on; no explicit IP pool — the operator
// takes the pod CIDR from kubeadm's configuration, as with KubeKey. calicoctl is placed on the
// node when init fetched it.
import { UserError } from '../../../../../shared/errors';
import { getString } from '../../../../inventory/vars';
import type { ClusterModel } from '../../../../model/cluster';
import type { StepInputs } from '../../inputs';
import { fetchFile, script, type StepTask } from '../../step';
import { NODE_ARTIFACTS, binaryInstallScript } from '../common';
import { CNI_DIR, chartImages, findImage, registryFor, repo, type HelmRelease } from './helm';

export const CALICOCTL = '/usr/local/bin/calicoctl';

export function calicoRelease(m: ClusterModel): HelmRelease {
  const version = getString(m.vars, 'cni.calico_version') ?? 'v3.31.3';
  // calicoctl's image moved from docker.io to quay.io in v3.31: take it from the version's image list.
  const ctl = findImage(chartImages(m, 'projectcalico/tigera-operator', version), 'calico/ctl');
  return {
    release: 'calico',
    namespace: 'tigera-operator',
    chart: 'tigera-operator',
    dir: CNI_DIR,
    values: {
      tigeraOperator: { registry: registryFor(m, 'quay.io') },
      calicoctl: { image: repo(m, ctl?.repository ?? 'docker.io/calico/ctl'), tag: ctl?.tag ?? version },
      installation: {
        registry: registryFor(m, 'docker.io'),
        calicoNetwork: { bgp: 'Enabled' },
      },
    },
  };
}

/** calicoctl into /usr/local/bin on the node that runs helm, when init fetched it (KubeKey installs it there too). */
export function calicoctlTasks(inputs: StepInputs, host: string): StepTask[] {
  let bin;
  try {
    bin = inputs.artifact('calicoctl', inputs.arch(host));
  } catch (err) {
    // calicoctl is a convenience for the operator; a bundle without it still installs calico.
    if (err instanceof UserError) return [];
    throw err;
  }
  const src = `${NODE_ARTIFACTS}/calicoctl/${bin.version}/calicoctl`;
  return [
    { task: 'fetch calicoctl', spec: fetchFile(bin.sha256, src, 0o755), description: `${bin.id} → ${src}` },
    {
      task: 'install calicoctl',
      description: `${CALICOCTL} ${bin.version} (when the installed version differs)`,
      spec: script(
        binaryInstallScript({
          name: 'calicoctl',
          version: bin.version,
          src,
          dest: CALICOCTL,
          force: inputs.force,
          installedVersion: `${CALICOCTL} version | awk '/Client Version/ {print $3}'`,
        }),
      ),
    },
  ];
}
