import type { Value } from '../../../model/cluster';
import { clusterRule, fail, pass } from '../../rule';
import { ConfigValueError, optString, record } from '../../vars';
import { minorKey, parseVersion } from '../../versions';
import { canonicalPlugin } from '../network/plugin';

const PLUGINS: Record<string, { versionKey: string; tableKey: string; name: string }> = {
  calico: { versionKey: 'cni.calico_version', tableKey: 'calico_allowed_versions', name: 'Calico' },
  cilium: { versionKey: 'cni.cilium_version', tableKey: 'cilium_allowed_versions', name: 'Cilium' },
  'kube-ovn': { versionKey: 'cni.kubeovn_version', tableKey: 'kubeovn_allowed_versions', name: 'Kube-OVN' },
};

/** A table key or list item reduced to major.minor, so `v3.27`, `3.27` and `v3.27.1` agree. */
function mm(raw: string): string | null {
  const v = parseVersion(raw);
  return v ? `${v.major}.${v.minor}` : null;
}

function versionedPlugin(vars: Parameters<typeof optString>[0]): { plugin: (typeof PLUGINS)[string]; version: string } | null {
  const type = optString(vars, 'cni.type');
  const plugin = type === undefined ? undefined : PLUGINS[canonicalPlugin(type)];
  if (!plugin) return null;
  const version = optString(vars, plugin.versionKey);
  return version === undefined ? null : { plugin, version };
}

export const cniVersion = clusterRule({
  id: 'cni.version',
  severity: 'error',
  description: "the CNI plugin's major.minor supports the Kubernetes minor; spiderpool needs calico or cilium",
  appliesTo: ({ model }) => {
    if (versionedPlugin(model.vars) || optString(model.vars, 'cni.multi_cni') === 'spiderpool') return true;
    return 'no calico, cilium or kube-ovn version to check and cni.multi_cni is not spiderpool';
  },
  check: ({ model }) => {
    const problems: string[] = [];
    const notes: string[] = [];
    const found = versionedPlugin(model.vars);
    if (found) {
      const { plugin, version } = found;
      const kube = optString(model.vars, 'kubernetes.kube_version');
      const kubeV = kube === undefined ? null : parseVersion(kube);
      const pluginMm = mm(version);
      if (!kubeV)
        problems.push(`cannot check ${plugin.name} ${version}: kubernetes.kube_version is ${kube === undefined ? 'not set' : `"${kube}", not a version`}`);
      else if (!pluginMm) problems.push(`${plugin.versionKey} "${version}" is not a version`);
      else {
        const table = record(model.vars, `cluster_require.${plugin.tableKey}`);
        const row = Object.entries(table).find(([k]) => mm(k) === pluginMm);
        const kubeMm = `${kubeV.major}.${kubeV.minor}`;
        if (!row) {
          problems.push(`${plugin.name} ${version} is not in cluster_require.${plugin.tableKey} (${Object.keys(table).join(', ')}): choose a listed version`);
        } else {
          const list: Value = row[1];
          if (!Array.isArray(list)) throw new ConfigValueError(`cluster_require.${plugin.tableKey}.${row[0]}`, 'a list of Kubernetes versions', list);
          const supported = list.map((x) => mm(String(x)));
          if (supported.includes(kubeMm)) notes.push(`${plugin.name} ${version} supports Kubernetes ${minorKey(kubeV)}`);
          else
            problems.push(
              `${plugin.name} ${version} does not support Kubernetes ${minorKey(kubeV)} (it supports ${list.join(', ')}): choose a ${plugin.name} version for ${minorKey(kubeV)}`,
            );
        }
      }
    }
    if (optString(model.vars, 'cni.multi_cni') === 'spiderpool') {
      const type = optString(model.vars, 'cni.type');
      if (type === 'calico' || type === 'cilium') notes.push(`spiderpool with ${type}`);
      else problems.push(`cni.multi_cni spiderpool needs cni.type calico or cilium, not ${type ?? 'unset'}`);
    }
    return problems.length > 0 ? fail(problems.join('; ')) : pass(notes.join('; '));
  },
});
