import { ipFamily } from '../../cidr';
import { K8S, inGroup, internalIps } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';

export const kubernetesInternalIp = hostRule({
  id: 'kubernetes.internal_ip',
  severity: 'error',
  description: 'internal_ipv4 or internal_ipv6 is set in the inventory and each is a valid address of its family',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host) => {
    const { v4, v6 } = internalIps(host);
    if (v4 === undefined && v6 === undefined) {
      return fail("neither internal_ipv4 nor internal_ipv6 is set: set the node's address under spec.hosts in the inventory");
    }
    const problems: string[] = [];
    if (v4 !== undefined && ipFamily(v4) !== 'IPv4') problems.push(`internal_ipv4 "${v4}" is not an IPv4 address`);
    if (v6 !== undefined && ipFamily(v6) !== 'IPv6') problems.push(`internal_ipv6 "${v6}" is not an IPv6 address`);
    if (problems.length > 0) return fail(`${problems.join('; ')}: correct it in the inventory`);
    return pass(`internal address ${[v4, v6].filter((x) => x !== undefined).join(', ')}`);
  },
});
