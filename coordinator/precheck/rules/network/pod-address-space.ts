import type { Cidr } from '../../cidr';
import { validCidrs } from '../../cluster-cidrs';
import { K8S, members } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';
import { num } from '../../vars';

export const networkPodAddressSpace = clusterRule({
  id: 'network.pod_address_space',
  severity: 'error',
  description: "max_pods fits a node's pod block, the block is inside the pool, and the pool has a block per k8s host",
  appliesTo: () => true,
  check: ({ model }) => {
    const cidrs = validCidrs(model.vars);
    if (typeof cidrs === 'string') return fail(`cannot check the pod address space: ${cidrs}`);
    const maxPods = num(model.vars, 'kubernetes.kubelet.max_pods');
    const nodes = members(model, K8S).length;
    const problems: string[] = [];
    const notes: string[] = [];
    for (const pool of cidrs.pod) {
      const v4 = pool.family === 'IPv4';
      const key = v4 ? 'cni.ipv4_mask_size' : 'cni.ipv6_mask_size';
      const width = v4 ? 32 : 128;
      const mask = num(model.vars, key);
      if (!Number.isInteger(mask) || mask < 0 || mask > width) {
        problems.push(`${key} ${mask} is not a prefix length between 0 and ${width}`);
        continue;
      }
      const perNode = 2 ** (width - mask) - 2;
      if (maxPods > perNode) {
        problems.push(`kubelet.max_pods ${maxPods} does not fit a /${mask} ${pool.family} pod block (${perNode} addresses): lower max_pods or ${key}`);
      }
      problems.push(...poolProblems(pool, mask, key, nodes));
      notes.push(`${pool.family} /${mask} blocks of ${pool.text}`);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    return pass(`max_pods ${maxPods}; ${notes.join(', ')} for ${nodes} k8s hosts`);
  },
});

function poolProblems(pool: Cidr, mask: number, key: string, nodes: number): string[] {
  if (mask < pool.prefix) {
    return [`${key} ${mask} is shorter than the pod pool ${pool.text}: a node block must fit inside the pool (use ≥ ${pool.prefix})`];
  }
  const blocks = 2 ** (mask - pool.prefix);
  if (blocks < nodes) {
    return [`pod pool ${pool.text} holds ${blocks} /${mask} node blocks but k8s_cluster has ${nodes} hosts: widen cni.pod_cidr or raise ${key}`];
  }
  return [];
}
