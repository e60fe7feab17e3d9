import { clusterCidrs } from '../../cluster-cidrs';
import { clusterRule, fail, pass } from '../../rule';

export const networkCidr = clusterRule({
  id: 'network.cidr',
  severity: 'error',
  description: 'cni.pod_cidr and cni.service_cidr each hold one or two valid CIDRs, at most one per family',
  appliesTo: () => true,
  check: ({ model }) => {
    const lists = clusterCidrs(model.vars);
    const problems = lists.flatMap((l) => (l.parsed.ok ? [] : [`${l.key}: ${l.parsed.error}`]));
    if (problems.length > 0) {
      return fail(`${problems.join('; ')}: write one CIDR per family as "v4", "v6", "v4,v6" or "v4/v6"`);
    }
    return pass(lists.map((l) => `${l.key} ${l.raw}`).join(', '));
  },
});
