import { clusterRule, fail, pass } from '../../rule';
import { optString } from '../../vars';
import { atLeast, parseVersion } from '../../versions';

const MIN = 'v1.16.0';

export const networkHybridnet = clusterRule({
  id: 'network.hybridnet',
  severity: 'error',
  description: 'hybridnet needs Kubernetes ≥ v1.16.0',
  appliesTo: ({ model }) => {
    const type = optString(model.vars, 'cni.type');
    return type?.toLowerCase() === 'hybridnet' ? true : `cni.type is ${type ?? 'not set'}`;
  },
  check: ({ model }) => {
    const raw = optString(model.vars, 'kubernetes.kube_version');
    const v = raw === undefined ? null : parseVersion(raw);
    if (!v) return fail(`hybridnet needs Kubernetes ≥ ${MIN} but kubernetes.kube_version is ${raw === undefined ? 'not set' : `"${raw}", not a version`}`);
    if (atLeast(v, parseVersion(MIN)!)) return pass(`Kubernetes ${raw} supports hybridnet`);
    return fail(`hybridnet needs Kubernetes ≥ ${MIN}, kube_version is ${raw}: choose another plugin or a newer version`);
  },
});
