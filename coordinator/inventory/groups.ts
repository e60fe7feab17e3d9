// Group resolution: nested groups expanded, `all` and `ungrouped` added, unknown members and
// cycles reported against the list item that names them.
import type { PathSeg } from '../config/schema';
import { closestKey } from '../config/typo';

export interface GroupDef {
  name: string;
  hosts: string[];
  groups: string[];
}

export interface GroupFinding {
  path: PathSeg[];
  message: string;
}

export interface ResolvedGroups {
  /** Group → member hosts, in the group's own order (its hosts, then nested groups' members). */
  members: Record<string, string[]>;
  /** Group → nesting depth (`all` 0, top-level groups 1, a group nested in one of those 2 …). */
  depth: Record<string, number>;
  errors: GroupFinding[];
}

const groupPath = (g: string, list: 'hosts' | 'groups', i: number): PathSeg[] => ['spec', 'groups', g, list, i];

export function resolveGroups(hostOrder: readonly string[], defs: readonly GroupDef[]): ResolvedGroups {
  const hostSet = new Set(hostOrder);
  const byName = new Map(defs.map((d) => [d.name, d]));
  const errors: GroupFinding[] = [];
  const members: Record<string, string[]> = {};
  const onStack: string[] = [];
  const reportedCycles = new Set<string>();

  // Unknown names first, so resolution below only follows real members.
  for (const d of defs) {
    d.hosts.forEach((h, i) => {
      if (hostSet.has(h)) return;
      const hint = byName.has(h)
        ? `"${h}" is a group, not a host; list it under ${d.name}.groups`
        : `unknown host "${h}": not defined in spec.hosts${suggest(h, hostOrder)}`;
      errors.push({ path: groupPath(d.name, 'hosts', i), message: hint });
    });
    d.groups.forEach((g, i) => {
      if (byName.has(g)) return;
      const hint = hostSet.has(g)
        ? `"${g}" is a host, not a group; list it under ${d.name}.hosts`
        : `unknown group "${g}": not defined in spec.groups${suggest(g, [...byName.keys()])}`;
      errors.push({ path: groupPath(d.name, 'groups', i), message: hint });
    });
  }

  const resolve = (name: string): string[] => {
    const done = members[name];
    if (done) return done;
    const def = byName.get(name);
    if (!def) return [];
    onStack.push(name);
    const out: string[] = [];
    // A set beside the list: a 5,000-host group made `includes` quadratic.
    const inOut = new Set<string>();
    const add = (h: string): void => {
      if (hostSet.has(h) && !inOut.has(h)) {
        inOut.add(h);
        out.push(h);
      }
    };
    def.hosts.forEach(add);
    def.groups.forEach((child, i) => {
      const at = onStack.indexOf(child);
      if (at >= 0) {
        const cycle = [...onStack.slice(at), child];
        const key = [...cycle.slice(0, -1)].sort().join('\0');
        if (!reportedCycles.has(key)) {
          reportedCycles.add(key);
          errors.push({ path: groupPath(name, 'groups', i), message: `group cycle: ${cycle.join(' → ')}` });
        }
        return;
      }
      resolve(child).forEach(add);
    });
    onStack.pop();
    members[name] = out;
    return out;
  };
  for (const d of defs) resolve(d.name);

  const depth: Record<string, number> = { all: 0 };
  const depthOf = (name: string, seen: Set<string>): number => {
    const known = depth[name];
    if (known !== undefined) return known;
    if (seen.has(name)) return 1;
    seen.add(name);
    let d = 1;
    for (const parent of defs) {
      if (parent.groups.includes(name)) d = Math.max(d, depthOf(parent.name, seen) + 1);
    }
    seen.delete(name);
    depth[name] = d;
    return d;
  };
  for (const d of defs) if (d.name !== 'all') depthOf(d.name, new Set());

  // Implicit groups: `all` is every host whatever the file says; `ungrouped` the hosts in no other group.
  members.all = [...hostOrder];
  if (!byName.has('ungrouped')) {
    const grouped = new Set(defs.filter((d) => d.name !== 'all').flatMap((d) => members[d.name] ?? []));
    members.ungrouped = hostOrder.filter((h) => !grouped.has(h));
    depth.ungrouped = 1;
  }
  return { members, depth, errors };
}

function suggest(name: string, known: readonly string[]): string {
  const near = closestKey(name, known);
  // node3 vs node1 is a different machine, not a typo.
  const digitsOnly = near !== null && near.replace(/\d/g, '') === name.replace(/\d/g, '');
  return near && !digitsOnly ? ` (did you mean "${near}"?)` : '';
}
