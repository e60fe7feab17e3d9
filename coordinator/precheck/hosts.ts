// Inventory helpers shared by the rules: the well-known groups, a host's internal addresses, and
// short host lists for messages (a 5,000-node cluster must not print 5,000 names).
import type { ClusterModel, InventoryHost } from '../model/cluster';
import { ipFamily } from './cidr';
import { optString } from './vars';

export const CP = 'kube_control_plane';
export const WORKER = 'kube_worker';
export const K8S = 'k8s_cluster';
export const ETCD = 'etcd';

export function inGroup(host: InventoryHost, group: string): boolean {
  return host.groups.includes(group);
}

export function members(model: ClusterModel, group: string): string[] {
  return model.groups[group] ?? [];
}

export interface InternalIps {
  v4?: string;
  v6?: string;
}

/** internal_ipv4 / internal_ipv6 as written in the inventory (unset → absent). */
export function internalIps(host: InventoryHost): InternalIps {
  const out: InternalIps = {};
  const v4 = optString(host.vars, 'internal_ipv4');
  const v6 = optString(host.vars, 'internal_ipv6');
  if (v4 !== undefined) out.v4 = v4;
  if (v6 !== undefined) out.v6 = v6;
  return out;
}

/** The host's internal addresses that are valid literals of their family. */
export function validInternalIps(host: InventoryHost): string[] {
  const { v4, v6 } = internalIps(host);
  const out: string[] = [];
  if (v4 !== undefined && ipFamily(v4) === 'IPv4') out.push(v4);
  if (v6 !== undefined && ipFamily(v6) === 'IPv6') out.push(v6);
  return out;
}

/** "a, b, c and 7 more" — at most `max` names. */
export function listNames(names: readonly string[], max = 8): string {
  if (names.length <= max) {
    if (names.length <= 1) return names.join('');
    return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  }
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** "a: why; b: why" for at most `max` entries. */
export function listReasons(items: readonly string[], max = 8): string {
  const head = items.slice(0, max).join('; ');
  return items.length > max ? `${head}; and ${items.length - max} more` : head;
}
