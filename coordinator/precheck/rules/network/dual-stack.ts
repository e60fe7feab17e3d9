import type { Cidr } from '../../cidr';
import { clusterCidrs } from '../../cluster-cidrs';
import { clusterRule, fail, pass } from '../../rule';
import { optString } from '../../vars';
import { atLeast, parseVersion } from '../../versions';

const MIN_DUAL_STACK = 'v1.20.0';

export const networkDualStack = clusterRule({
  id: 'network.dual_stack',
  severity: 'error',
  description: 'a dual-stack CIDR needs Kubernetes ≥ v1.20.0 and is written IPv4 first, IPv6 second',
  appliesTo: ({ model }) => {
    const lists = clusterCidrs(model.vars);
    const broken = lists.find((l) => !l.parsed.ok);
    if (broken) return `${broken.key} is not valid (see network.cidr)`;
    return lists.some((l) => l.parsed.ok && l.parsed.cidrs.length === 2) ? true : 'single-stack CIDRs';
  },
  check: ({ model }) => {
    const problems: string[] = [];
    for (const l of clusterCidrs(model.vars)) {
      const cidrs: Cidr[] = l.parsed.ok ? l.parsed.cidrs : [];
      if (cidrs.length === 2 && (cidrs[0]?.family !== 'IPv4' || cidrs[1]?.family !== 'IPv6')) {
        problems.push(`${l.key} "${l.raw}" lists IPv6 first: write the IPv4 CIDR first, then the IPv6 one`);
      }
    }
    const raw = optString(model.vars, 'kubernetes.kube_version');
    const v = raw === undefined ? null : parseVersion(raw);
    if (!v)
      problems.push(
        `dual-stack needs Kubernetes ≥ ${MIN_DUAL_STACK} but kubernetes.kube_version is ${raw === undefined ? 'not set' : `"${raw}", not a version`}`,
      );
    else if (!atLeast(v, parseVersion(MIN_DUAL_STACK)!)) problems.push(`dual-stack needs Kubernetes ≥ ${MIN_DUAL_STACK}, kube_version is ${raw}`);
    return problems.length > 0 ? fail(problems.join('; ')) : pass('dual-stack CIDRs list IPv4 first and Kubernetes supports dual-stack');
  },
});
