// The pod and service CIDRs of the config, parsed once per rule by the network rules.
import type { Vars } from '../model/cluster';
import type { Cidr, CidrList } from './cidr';
import { parseCidrList } from './cidr';
import { str } from './vars';

export interface NamedCidrList {
  key: 'cni.pod_cidr' | 'cni.service_cidr';
  raw: string;
  parsed: CidrList;
}

export function clusterCidrs(vars: Vars): [NamedCidrList, NamedCidrList] {
  const one = (key: NamedCidrList['key']): NamedCidrList => {
    const raw = str(vars, key);
    return { key, raw, parsed: parseCidrList(raw) };
  };
  return [one('cni.pod_cidr'), one('cni.service_cidr')];
}

/** Both lists parsed, or the first parse error as a message pointing at network.cidr. */
export function validCidrs(vars: Vars): { pod: Cidr[]; service: Cidr[] } | string {
  const [pod, service] = clusterCidrs(vars);
  for (const c of [pod, service]) {
    if (!c.parsed.ok) return `${c.key} ${c.parsed.error} (see network.cidr)`;
  }
  return { pod: (pod.parsed as { cidrs: Cidr[] }).cidrs, service: (service.parsed as { cidrs: Cidr[] }).cidrs };
}
