import { clusterCidrs } from '../../cluster-cidrs';
import { entry, fact } from '../../facts-access';
import { K8S, inGroup, internalIps } from '../../hosts';
import type { InventoryHost } from '../../../model/cluster';
import { fail, hostRule, pass } from '../../rule';

const V4 = 'net.ipv4.ip_forward';
const V6 = 'net.ipv6.conf.all.forwarding';

function usesIpv6(host: InventoryHost): boolean {
  if (internalIps(host).v6 !== undefined) return true;
  return clusterCidrs(host.vars).some((l) => l.parsed.ok && l.parsed.cidrs.some((c) => c.family === 'IPv6'));
}

export const nodeIpForward = hostRule({
  id: 'node.ip_forward',
  severity: 'warning',
  description: 'IP forwarding is on (net.ipv4.ip_forward, and net.ipv6.conf.all.forwarding when IPv6 is in use); the install sets it',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const sysctl = fact(ctx, host.name, 'sysctl');
    const fs = ctx.facts.get(host.name)!;
    const keys = usesIpv6(host) ? [V4, V6] : [V4];
    const off = keys.filter((k) => entry(host.name, fs, 'sysctl', k, sysctl)?.trim() !== '1');
    if (off.length === 0) return pass(`${keys.join(' and ')} = 1`);
    return fail(`${off.map((k) => `${k} = ${sysctl[k] ?? 'absent'}`).join(', ')}: the install sets it to 1 (sysctl -w ${off[0]}=1 to set it now)`);
  },
});
