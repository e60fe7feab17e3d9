import { clusterRule, fail, pass } from '../../rule';
import { optString, strList } from '../../vars';

/** KubeKey's list says `kube-ovn` while its CNI role is selected by `kubeovn`: one plugin. */
export const canonicalPlugin = (name: string): string => {
  const n = name.trim().toLowerCase();
  return n === 'kubeovn' ? 'kube-ovn' : n;
};

export const networkPlugin = clusterRule({
  id: 'network.plugin',
  severity: 'error',
  description: 'cni.type is in cluster_require.require_network_plugin (kubeovn and kube-ovn are the same plugin)',
  appliesTo: ({ model }) => (optString(model.vars, 'cni.type') !== undefined ? true : 'cni.type is not set'),
  check: ({ model }) => {
    const type = optString(model.vars, 'cni.type')!;
    const allowed = strList(model.vars, 'cluster_require.require_network_plugin');
    if (allowed.map(canonicalPlugin).includes(canonicalPlugin(type))) return pass(`network plugin ${type} is supported`);
    return fail(`network plugin "${type}" is not supported (${allowed.join(', ')}): choose one of them for cni.type`);
  },
});
