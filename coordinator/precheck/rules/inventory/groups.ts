import { CP, K8S, listNames, members } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';

export const inventoryGroups = clusterRule({
  id: 'inventory.groups',
  severity: 'error',
  description: 'every group member is a defined host, kube_control_plane is not empty and k8s_cluster has a host',
  appliesTo: () => true,
  check: ({ model }) => {
    const defined = new Set(model.hosts.map((h) => h.name));
    const problems: string[] = [];
    for (const [group, names] of Object.entries(model.groups)) {
      const undefinedNames = names.filter((n) => !defined.has(n));
      if (undefinedNames.length > 0) {
        problems.push(`group ${group} lists ${listNames(undefinedNames)}, not defined under spec.hosts: add the host or remove it from the group`);
      }
    }
    if (members(model, CP).length === 0) problems.push(`group ${CP} is empty or missing: put at least one host in it`);
    if (members(model, K8S).length === 0) problems.push(`group ${K8S} has no hosts: define it (usually groups: [${CP}, kube_worker])`);
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(`${model.hosts.length} hosts; ${members(model, CP).length} in ${CP}, ${members(model, K8S).length} in ${K8S}`);
  },
});
