// kube-ovn (KubeKey's cni/kubeovn role): release kubeovn in kubeovn-system, images from the
// docker registry's kubeovn/ path. The chart places its pods by node labels, so every node is
// labelled kubernetes.io/os=linux and the control planes kube-ovn/role=master first.
import type { ClusterModel } from '../../../../model/cluster';
import { hostsIn } from '../common';
import { CNI_DIR, KUBECTL, registryFor, type HelmRelease, type PrepTask } from './helm';

/** Labels only the nodes that lack them, so a re-run reports unchanged. */
export function kubeovnLabelScript(controlPlanes: string[]): string {
  return `changed=0
for n in $(${KUBECTL} get nodes -l 'kubernetes.io/os!=linux' -o name); do
  ${KUBECTL} label "$n" kubernetes.io/os=linux --overwrite; changed=1
done
for n in $(${KUBECTL} get nodes -l 'kube-ovn/role!=master' -o name); do
  case " ${controlPlanes.join(' ')} " in *" \${n#node/} "*) ${KUBECTL} label "$n" kube-ovn/role=master --overwrite; changed=1 ;; esac
done
[ "$changed" = 1 ] || exit $UNCHANGED`;
}

export function kubeovnRelease(m: ClusterModel): HelmRelease {
  const prepare: PrepTask[] = [
    {
      task: 'kube-ovn node labels',
      description: 'nodes kubernetes.io/os=linux, control planes kube-ovn/role=master (where the chart places its pods)',
      script: kubeovnLabelScript(hostsIn(m, 'kube_control_plane')),
    },
  ];
  return {
    release: 'kubeovn',
    namespace: 'kubeovn-system',
    chart: 'kube-ovn',
    dir: CNI_DIR,
    prepare,
    values: { global: { registry: { address: `${registryFor(m, 'docker.io')}/kubeovn` } } },
  };
}
