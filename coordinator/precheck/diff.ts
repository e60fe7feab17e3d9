// What changed between two reports, for `precheck --watch`: one line per result whose status
// moved, e.g. `node2 node.swap fail → pass`.
import type { Report, Result } from './report';
import type { Status } from './rule';
import { CLUSTER_HOST } from './render';

const keyOf = (r: Pick<Result, 'id' | 'host'>): string => `${r.host ?? ''}\u0000${r.id}`;

export interface StatusChange {
  id: string;
  host: string | null;
  /** null: the result is new (a host joined the inventory). */
  from: Status | null;
  /** null: the result is gone. */
  to: Status | null;
  message: string;
}

export function diffReports(previous: Report, next: Report): StatusChange[] {
  const before = new Map(previous.results.map((r) => [keyOf(r), r]));
  const changes: StatusChange[] = [];
  for (const r of next.results) {
    const old = before.get(keyOf(r));
    before.delete(keyOf(r));
    if (old && old.status === r.status) continue;
    changes.push({ id: r.id, host: r.host, from: old?.status ?? null, to: r.status, message: r.message });
  }
  for (const old of before.values()) changes.push({ id: old.id, host: old.host, from: old.status, to: null, message: old.message });
  return changes;
}

/** `node2 node.swap fail → pass` (cluster rules show `-` as host, like the table). */
export function formatChange(c: StatusChange): string {
  return `${c.host ?? CLUSTER_HOST} ${c.id} ${c.from ?? 'new'} → ${c.to ?? 'gone'}`;
}
