// The network plugin (KubeKey's cni role; docs/install.md), on the first control plane: the
// primary CNI's helm release (one module per plugin under ./cni/), then the secondary CNI of
// `cni.multi_cni` — multus as a manifest, spiderpool as a release. Every release takes the
// chart init verified, KubeKey's default values (images from the cluster registry when there is
// one) with the operator's `cni.<type>.values` laid over them, and is left alone when the same
// chart and values are already deployed.
import { UserError } from '../../../../shared/errors';
import { getString } from '../../../inventory/vars';
import type { ClusterModel } from '../../../model/cluster';
import type { InstallStep, StepTask } from '../step';
import { hostsIn } from './common';
import { helmTasks, withCustomValues, type HelmRelease } from './cni/helm';
import { flannelRelease } from './cni/flannel';
import { calicoRelease, calicoctlTasks } from './cni/calico';
import { ciliumRelease } from './cni/cilium';
import { kubeovnRelease } from './cni/kubeovn';
import { hybridnetRelease } from './cni/hybridnet';
import { spiderpoolRelease } from './cni/spiderpool';
import { multusTasks } from './cni/multus';

export { CNI_DIR, mergeValues, helmTasks, type HelmRelease } from './cni/helm';

const PRIMARY: Record<string, { values: string; release(m: ClusterModel): HelmRelease }> = {
  calico: { values: 'cni.calico.values', release: calicoRelease },
  cilium: { values: 'cni.cilium.values', release: ciliumRelease },
  flannel: { values: 'cni.flannel.values', release: flannelRelease },
  kubeovn: { values: 'cni.kubeovn.values', release: kubeovnRelease },
  // KubeKey's precheck lists the name with a dash; its roles use kubeovn.
  'kube-ovn': { values: 'cni.kubeovn.values', release: kubeovnRelease },
  hybridnet: { values: 'cni.hybridnet.values', release: hybridnetRelease },
};

const cniType = (m: ClusterModel): string => getString(m.vars, 'cni.type') ?? 'calico';
const multiCni = (m: ClusterModel): string => getString(m.vars, 'cni.multi_cni') ?? 'none';

/** The release for `cni.type`, or null when kk installs no network plugin (other/none). */
export function cniRelease(m: ClusterModel): HelmRelease | null {
  const type = cniType(m);
  if (type === 'other' || type === 'none') return null;
  const p = PRIMARY[type];
  if (!p)
    throw new UserError(
      `cni.type: "${type}" is not a network plugin kk installs: use one of ${Object.keys(PRIMARY).join(', ')}, or none (install your own after create cluster)`,
    );
  return withCustomValues(m, p.release(m), p.values);
}

/** The secondary CNI's helm release (spiderpool), or null (none, or multus, which is a manifest). */
export function multiCniRelease(m: ClusterModel): HelmRelease | null {
  const multi = multiCni(m);
  if (multi !== 'spiderpool') return null;
  const type = cniType(m);
  if (type !== 'calico' && type !== 'cilium') {
    throw new UserError(
      `cni.multi_cni: spiderpool runs on calico or cilium, but cni.type is ${type}: set cni.type to calico or cilium, or cni.multi_cni to multus or none`,
    );
  }
  return withCustomValues(m, spiderpoolRelease(m), 'cni.spiderpool.values');
}

/** Every task of the step on the node that runs helm. */
export function cniTasks(inputs: Parameters<InstallStep['plan']>[0], host: string): StepTask[] {
  const m = inputs.model;
  const tasks: StepTask[] = [];
  const primary = cniRelease(m);
  if (primary) tasks.push(...helmTasks(inputs, host, primary));
  if (primary && cniType(m) === 'calico') tasks.push(...calicoctlTasks(inputs, host));
  const secondary = multiCniRelease(m);
  if (secondary) tasks.push(...helmTasks(inputs, host, secondary));
  else if (multiCni(m) === 'multus') tasks.push(...multusTasks(m));
  return tasks;
}

export const cniStep: InstallStep = {
  name: 'cni',
  title: 'the network plugin (helm)',
  hosts: (m) => (cniRelease(m) || multiCniRelease(m) || multiCni(m) === 'multus' ? hostsIn(m, 'kube_control_plane').slice(0, 1) : []),
  stage: () => ({ mode: 'serial' }),
  plan: cniTasks,
};
