// interfaces: every link with its MAC, MTU, admin state and addresses, from `ip -j addr show`
// (one spawn gives links and addresses together; iproute2 is on every supported distribution).
import type { InterfaceAddress, InterfaceFacts } from '../../shared/facts/types';
import { asNumber, isRecord, parseCommandJson } from './json-output';
import { ProbeFailure, type ProbeContext } from './probe';

const WHAT = '`ip -j addr show`';

export function parseIpAddrJson(text: string): InterfaceFacts[] {
  const links = parseCommandJson(text, WHAT);
  if (!Array.isArray(links)) throw new ProbeFailure(`${WHAT} printed JSON that is not a list of links`);
  return links.map((link, i): InterfaceFacts => {
    if (!isRecord(link) || typeof link.ifname !== 'string') throw new ProbeFailure(`${WHAT}: link #${i} has no ifname`);
    const mtu = asNumber(link.mtu);
    if (mtu === undefined) throw new ProbeFailure(`${WHAT}: link ${link.ifname} has no mtu`);
    const flags = Array.isArray(link.flags) ? link.flags : [];
    const addrInfo = Array.isArray(link.addr_info) ? link.addr_info : [];
    return {
      name: link.ifname,
      // Links without a hardware address (tun, wireguard, ipip) have no "address".
      mac: typeof link.address === 'string' ? link.address : '',
      mtu,
      up: flags.includes('UP'),
      addresses: addrInfo.flatMap((a): InterfaceAddress[] => {
        if (!isRecord(a) || typeof a.local !== 'string') return [];
        const prefixLength = asNumber(a.prefixlen);
        if (prefixLength === undefined) return [];
        if (a.family === 'inet') return [{ family: 'IPv4', address: a.local, prefixLength }];
        if (a.family === 'inet6') return [{ family: 'IPv6', address: a.local, prefixLength }];
        return [];
      }),
    };
  });
}

export async function readInterfaces(ctx: ProbeContext): Promise<InterfaceFacts[]> {
  return parseIpAddrJson(await ctx.run('ip', ['-j', 'addr', 'show']));
}
