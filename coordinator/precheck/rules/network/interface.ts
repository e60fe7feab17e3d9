import { fact, interfaceCarrying } from '../../facts-access';
import { internalIps } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';

export const networkInterface = hostRule({
  id: 'network.interface',
  severity: 'error',
  description: "the host's internal_ipv4 / internal_ipv6 is assigned to one of its interfaces",
  appliesTo: () => true,
  check: (host, ctx) => {
    const { v4, v6 } = internalIps(host);
    const wanted = [v4, v6].filter((x): x is string => x !== undefined);
    if (wanted.length === 0) return fail("neither internal_ipv4 nor internal_ipv6 is set in the inventory: set the node's address");
    const interfaces = fact(ctx, host.name, 'interfaces');
    const found: string[] = [];
    const missing: string[] = [];
    for (const ip of wanted) {
      const hit = interfaceCarrying(interfaces, ip);
      if (hit) found.push(`${ip} on ${hit.iface.name}`);
      else missing.push(ip);
    }
    if (missing.length > 0) {
      return fail(
        `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not assigned to any interface of ${host.name}: correct internal_ipv4/internal_ipv6 in the inventory or configure the address on the node`,
      );
    }
    return pass(found.join(', '));
  },
});
