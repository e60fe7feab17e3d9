import { clusterRule, fail, pass } from '../../rule';
import { optString, str } from '../../vars';
import { atLeast, parseVersion } from '../../versions';

export const kubernetesVersion = clusterRule({
  id: 'kubernetes.version',
  severity: 'error',
  description: 'kubernetes.kube_version is set and ≥ cluster_require.kube_version_min_required',
  appliesTo: () => true,
  check: ({ model }) => {
    const raw = optString(model.vars, 'kubernetes.kube_version');
    if (raw === undefined) return fail('kubernetes.kube_version is not set: set it in the Config (e.g. v1.34.3)');
    const minRaw = str(model.vars, 'cluster_require.kube_version_min_required');
    const v = parseVersion(raw);
    const min = parseVersion(minRaw);
    if (!v) return fail(`kubernetes.kube_version "${raw}" is not a version`);
    if (!min) return fail(`cluster_require.kube_version_min_required "${minRaw}" is not a version`);
    if (atLeast(v, min)) return pass(`Kubernetes ${raw} ≥ ${minRaw}`);
    return fail(`Kubernetes ${raw} is older than the minimum ${minRaw}: choose a newer kubernetes.kube_version`);
  },
});
