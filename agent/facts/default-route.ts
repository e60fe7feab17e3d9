// defaultRoute: the route the node's traffic leaves by — IPv4's default, else IPv6's (IPv6-only
// hosts). null when the node has neither.
// IPv4 comes from /proc/net/route, which is exactly the main table that `ip route show default`
// prints (the kernel reads it from RT_TABLE_MAIN), at a fraction of a spawn's cost: the agent asks
// on every refresh. IPv6 keeps `ip -j -6 route show default`: /proc/net/ipv6_route mixes every
// routing table without naming them, so a policy-routing table's default would pass for the main
// one; and the IPv6 query only runs on hosts without an IPv4 default.
import { endianness } from 'node:os';
import type { DefaultRoute } from '../../shared/facts/types';
import { asNumber, isRecord, parseCommandJson } from './json-output';
import { ProbeFailure, readOptionalHostFile, type ProbeContext } from './probe';

/** The lowest-metric default route in `ip -j [-6] route show default` output, or null if none. */
export function parseDefaultRouteJson(text: string, what = '`ip -j route show default`'): DefaultRoute | null {
  // Older iproute2 prints nothing at all (not "[]") when there is no route.
  if (text.trim() === '') return null;
  const routes = parseCommandJson(text, what);
  if (!Array.isArray(routes)) throw new ProbeFailure(`${what} printed JSON that is not a list of routes`);
  const candidates = routes.flatMap((r): Array<DefaultRoute & { metric: number }> => {
    if (!isRecord(r)) return [];
    // Unreachable/blackhole defaults have no device and carry no traffic.
    if (typeof r.type === 'string' && r.type !== 'unicast') return [];
    const metric = asNumber(r.metric) ?? 0;
    const hop = typeof r.dev === 'string' ? r : Array.isArray(r.nexthops) ? r.nexthops.find((h) => isRecord(h) && typeof h.dev === 'string') : undefined;
    if (!isRecord(hop) || typeof hop.dev !== 'string') return [];
    return [{ interface: hop.dev, gateway: typeof hop.gateway === 'string' ? hop.gateway : null, metric }];
  });
  return lowestMetric(candidates);
}

function lowestMetric(candidates: Array<DefaultRoute & { metric: number }>): DefaultRoute | null {
  // Stable sort: among equal metrics the kernel's (table) order decides, as it does for traffic.
  candidates.sort((a, b) => a.metric - b.metric);
  const best = candidates[0];
  return best ? { interface: best.interface, gateway: best.gateway } : null;
}

const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;
const RTF_REJECT = 0x200;

/**
 * The lowest-metric IPv4 default in /proc/net/route (the main table; "Iface Destination Gateway
 * Flags RefCnt Use Metric Mask …", addresses as hex words in host byte order), or null if none.
 * Multipath routes show their first hop here, as `ip` lists it first.
 */
export function parseProcNetRoute(text: string, order: 'LE' | 'BE' = endianness()): DefaultRoute | null {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !/^Iface\s+Destination\s+Gateway\s+Flags\s+RefCnt\s+Use\s+Metric\s+Mask\b/.test(lines[0]!)) {
    throw new ProbeFailure('/proc/net/route: not a route table (header missing)');
  }
  const candidates: Array<DefaultRoute & { metric: number }> = [];
  for (const line of lines.slice(1)) {
    const [iface, dest, gateway, flagsHex, , , metric, mask] = line.trim().split(/\s+/);
    if (
      !iface ||
      !isHexWord(dest) ||
      !isHexWord(gateway) ||
      !flagsHex ||
      !/^[0-9A-Fa-f]{1,8}$/.test(flagsHex) ||
      !metric ||
      !/^\d+$/.test(metric) ||
      !isHexWord(mask)
    ) {
      throw new ProbeFailure(`/proc/net/route: cannot read line ${JSON.stringify(line.trim())}`);
    }
    if (parseInt(dest, 16) !== 0 || parseInt(mask, 16) !== 0) continue;
    const flags = parseInt(flagsHex, 16);
    // Unreachable/prohibit/blackhole defaults (RTF_REJECT, device "*") carry no traffic.
    if (!(flags & RTF_UP) || flags & RTF_REJECT || iface === '*') continue;
    candidates.push({
      interface: iface,
      gateway: flags & RTF_GATEWAY ? hexToIPv4(gateway, order) : null,
      metric: Number(metric),
    });
  }
  return lowestMetric(candidates);
}

function isHexWord(s: string | undefined): s is string {
  return s !== undefined && /^[0-9A-Fa-f]{8}$/.test(s);
}

// The kernel prints the 32-bit address with %08X in host byte order.
function hexToIPv4(hex: string, order: 'LE' | 'BE'): string {
  const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return (order === 'LE' ? bytes.reverse() : bytes).join('.');
}

export async function readDefaultRoute(ctx: ProbeContext): Promise<DefaultRoute | null> {
  const table = await readOptionalHostFile(ctx, '/proc/net/route');
  // A kernel without IPv4 procfs support has no such file: ask ip instead.
  const v4 = table !== null ? parseProcNetRoute(table) : parseDefaultRouteJson(await ctx.run('ip', ['-j', 'route', 'show', 'default']));
  if (v4) return v4;
  return parseDefaultRouteJson(await ctx.run('ip', ['-j', '-6', 'route', 'show', 'default']), '`ip -j -6 route show default`');
}
