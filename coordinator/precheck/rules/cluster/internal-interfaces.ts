// The interfaces carrying each k8s host's internal addresses, shared by cluster.unique_mac and
// cluster.mtu. An address on no interface is left to network.interface and only noted here.
import type { InterfaceFacts } from '../../../../shared/facts/types';
import type { Collected } from '../../facts-access';
import { collect, fact, interfaceCarrying } from '../../facts-access';
import { K8S, members, validInternalIps } from '../../hosts';
import type { RuleContext } from '../../rule';
import { perRun } from '../../run-memo';

export interface CarriedBy {
  ifaces: InterfaceFacts[];
  notFound: string[];
}

const KEY = {};

/** Shared by two rules, so computed once per run (treat the result as read-only). */
export function internalInterfaces(ctx: RuleContext): Collected<CarriedBy> {
  return perRun(ctx, KEY, () => compute(ctx));
}

function compute(ctx: RuleContext): Collected<CarriedBy> {
  const byName = new Map(ctx.model.hosts.map((h) => [h.name, h]));
  return collect(ctx, members(ctx.model, K8S), (_fs, host) => {
    const interfaces = fact(ctx, host, 'interfaces');
    const out: CarriedBy = { ifaces: [], notFound: [] };
    const h = byName.get(host);
    for (const ip of h ? validInternalIps(h) : []) {
      const hit = interfaceCarrying(interfaces, ip);
      if (!hit) out.notFound.push(ip);
      else if (!out.ifaces.includes(hit.iface)) out.ifaces.push(hit.iface);
    }
    return out;
  });
}
