import ipaddr from 'ipaddr.js';
import { normalizeIp } from '../../cidr';
import { duplicates } from '../../facts-access';
import { listNames, validInternalIps } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';

export const clusterUniqueInternalIp = clusterRule({
  id: 'cluster.unique_internal_ip',
  severity: 'error',
  description: 'no two hosts share an internal_ipv4 / internal_ipv6',
  appliesTo: () => true,
  check: ({ model }) => {
    // Keyed by the canonical form; shown in the short (RFC 5952) form.
    const ips = model.hosts.flatMap((h) => validInternalIps(h).map((ip) => ({ host: h.name, value: ip })));
    const problems = [...duplicates(ips, normalizeIp)].map(([ip, hosts]) => `${listNames(hosts)} share internal address ${shortIp(ip)}: correct the inventory`);
    return problems.length > 0 ? fail(problems.join('; ')) : pass(`${ips.length} distinct internal addresses`);
  },
});

function shortIp(canonical: string): string {
  const a = ipaddr.parse(canonical);
  return a.kind() === 'ipv6' ? (a as ipaddr.IPv6).toRFC5952String() : a.toString();
}
