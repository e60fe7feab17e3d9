import type { Value } from '../../../model/cluster';
import { clusterRule, fail, pass } from '../../rule';
import { ConfigValueError, optString, record } from '../../vars';
import { atLeast, bare, minorKey, parseVersion } from '../../versions';

/** The table entry for a Kubernetes version: the exact version key first, then `vX.Y`. */
function minimumFor(table: { [key: string]: Value }, kubeRaw: string): { key: string; value: string } | null {
  const v = parseVersion(kubeRaw);
  const exact = [kubeRaw, `v${bare(kubeRaw)}`, bare(kubeRaw)];
  const keys = v ? [...exact, minorKey(v), `${v.major}.${v.minor}`] : exact;
  for (const key of keys) {
    const value = table[key];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new ConfigValueError(`cluster_require.etcd_min_versions.${key}`, 'a version', value);
    return { key, value };
  }
  return null;
}

export const etcdVersion = clusterRule({
  id: 'etcd.version',
  severity: 'error',
  description: 'etcd.etcd_version ≥ the minimum cluster_require.etcd_min_versions gives for kube_version',
  appliesTo: ({ model }) =>
    optString(model.vars, 'kubernetes.kube_version') !== undefined ? true : 'kubernetes.kube_version is not set (see kubernetes.version)',
  check: ({ model }) => {
    const kube = optString(model.vars, 'kubernetes.kube_version')!;
    const min = minimumFor(record(model.vars, 'cluster_require.etcd_min_versions'), kube);
    if (!min) return pass(`no etcd minimum is recorded for Kubernetes ${kube}`);
    const etcdRaw = optString(model.vars, 'etcd.etcd_version');
    if (etcdRaw === undefined) return fail(`etcd.etcd_version is not set; Kubernetes ${kube} needs etcd ≥ ${min.value}`);
    const etcd = parseVersion(etcdRaw);
    const minV = parseVersion(min.value);
    if (!etcd) return fail(`etcd.etcd_version "${etcdRaw}" is not a version`);
    if (!minV) return fail(`cluster_require.etcd_min_versions.${min.key} "${min.value}" is not a version`);
    if (atLeast(etcd, minV)) return pass(`etcd ${etcdRaw} ≥ ${min.value} (minimum for ${min.key})`);
    return fail(`etcd ${etcdRaw} is older than ${min.value}, the minimum for Kubernetes ${kube} (etcd_min_versions.${min.key}): raise etcd.etcd_version`);
  },
});
