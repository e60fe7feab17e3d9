// Which enrolled agent is which inventory host: the agent's name first, else an agent whose
// interfaces carry the host's internal_ipv4 / internal_ipv6 (inventories often name hosts
// differently from their hostnames).
import type { ClusterModel } from '../../model/cluster';
import type { FactSet } from '../../../shared/facts/types';
import { internalIps } from '../hosts';

export interface AgentView {
  name: string;
  facts: FactSet | null;
}

export interface HostMatch {
  matches: Map<string, string>;
  unmatched: Map<string, string>;
}

export function matchHosts(model: ClusterModel, agents: readonly AgentView[]): HostMatch {
  const byName = new Map(agents.map((a) => [a.name, a]));
  const byIp = new Map<string, string>();
  for (const a of agents) {
    for (const i of a.facts?.interfaces ?? []) for (const addr of i.addresses) byIp.set(addr.address, a.name);
  }
  const matches = new Map<string, string>();
  const unmatched = new Map<string, string>();
  const taken = new Set<string>();
  for (const host of model.hosts) {
    if (byName.has(host.name)) {
      matches.set(host.name, host.name);
      taken.add(host.name);
    }
  }
  for (const host of model.hosts) {
    if (matches.has(host.name)) continue;
    const { v4, v6 } = internalIps(host);
    const agent = [v4, v6].map((ip) => (ip ? byIp.get(ip) : undefined)).find((n) => n !== undefined && !taken.has(n));
    if (agent) {
      matches.set(host.name, agent);
      taken.add(agent);
    } else {
      const ips = [v4, v6].filter(Boolean).join(', ');
      unmatched.set(
        host.name,
        `no enrolled agent is named "${host.name}"${ips ? ` or has ${ips}` : ''}: run the one-liner from \`kk-coordinator token create\` on it`,
      );
    }
  }
  return { matches, unmatched };
}
