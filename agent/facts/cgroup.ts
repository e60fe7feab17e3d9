// cgroup: which cgroup version the container runtime and kubelet will use, and its controllers.
// /sys/fs/cgroup being a cgroup2 mount (it has cgroup.controllers) is v2. Anything else is v1 —
// including the hybrid layout (v1 hierarchies with a cgroup2 at /sys/fs/cgroup/unified), because
// runc and the kubelet use the v1 hierarchies there; its controllers are the enabled ones that are
// mounted in a v1 hierarchy (/proc/cgroups hierarchy ≠ 0), since only those can be used.
import type { CgroupFacts } from '../../shared/facts/types';
import { ProbeFailure, readHostFile, readOptionalHostFile, type ProbeContext } from './probe';

/** /sys/fs/cgroup/cgroup.controllers: space-separated controller names. */
export function parseCgroupControllers(text: string): string[] {
  const names = text
    .trim()
    .split(/\s+/)
    .filter((n) => n !== '');
  for (const n of names) if (!/^[a-z0-9_]+$/.test(n)) throw new ProbeFailure(`cgroup.controllers: unexpected ${JSON.stringify(n)}`);
  return names.sort();
}

/** /proc/cgroups → the v1 controllers that are enabled and attached to a hierarchy. */
export function parseProcCgroups(text: string): string[] {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines[0]!.startsWith('#subsys_name')) throw new ProbeFailure('/proc/cgroups: header missing');
  const out: string[] = [];
  for (const line of lines.slice(1)) {
    const [name, hierarchy, , enabled] = line.trim().split(/\s+/);
    if (!name || !hierarchy || !/^\d+$/.test(hierarchy) || (enabled !== '0' && enabled !== '1')) {
      throw new ProbeFailure(`/proc/cgroups: cannot read line ${JSON.stringify(line.trim())}`);
    }
    if (enabled === '1' && hierarchy !== '0') out.push(name);
  }
  return out.sort();
}

export async function readCgroup(ctx: ProbeContext): Promise<CgroupFacts> {
  const v2 = await readOptionalHostFile(ctx, '/sys/fs/cgroup/cgroup.controllers');
  if (v2 !== null) return { version: 2, controllers: parseCgroupControllers(v2) };
  return { version: 1, controllers: parseProcCgroups(await readHostFile(ctx, '/proc/cgroups')) };
}
