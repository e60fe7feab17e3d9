// defaultRoute: the route the node's traffic leaves by — IPv4's default, else IPv6's (IPv6-only
// hosts), from `ip -j route show default`. null when the node has neither.
import type { DefaultRoute } from '../../shared/facts/types';
import { asNumber, isRecord, parseCommandJson } from './json-output';
import { ProbeFailure, type ProbeContext } from './probe';

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
  candidates.sort((a, b) => a.metric - b.metric);
  const best = candidates[0];
  return best ? { interface: best.interface, gateway: best.gateway } : null;
}

export async function readDefaultRoute(ctx: ProbeContext): Promise<DefaultRoute | null> {
  const v4 = parseDefaultRouteJson(await ctx.run('ip', ['-j', 'route', 'show', 'default']));
  if (v4) return v4;
  return parseDefaultRouteJson(await ctx.run('ip', ['-j', '-6', 'route', 'show', 'default']), '`ip -j -6 route show default`');
}
