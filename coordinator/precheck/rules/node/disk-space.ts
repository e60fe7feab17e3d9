import type { DiskFacts } from '../../../../shared/facts/types';
import { fact, UnknownFactError } from '../../facts-access';
import { fail, hostRule, pass } from '../../rule';
import { bytes, gib, toGiB } from '../../units';
import { num } from '../../vars';

const PATH = '/var/lib';

/** The mount holding `path`: the longest mount point that is `path` or a parent of it. */
export function mountHolding(disks: readonly DiskFacts[], path: string): DiskFacts | null {
  let best: DiskFacts | null = null;
  for (const d of disks) {
    const m = d.mount.endsWith('/') && d.mount !== '/' ? d.mount.slice(0, -1) : d.mount;
    const holds = m === '/' || path === m || path.startsWith(`${m}/`);
    if (holds && (!best || m.length > best.mount.length)) best = d;
  }
  return best;
}

export const nodeDiskSpace = hostRule({
  id: 'node.disk_space',
  severity: 'warning',
  description: 'the filesystem holding /var/lib has at least cluster_require.minimal_disk_gb GiB free',
  appliesTo: () => true,
  check: (host, ctx) => {
    const disks = fact(ctx, host.name, 'disks');
    const disk = mountHolding(disks, PATH);
    if (!disk) throw new UnknownFactError(`free space of ${PATH} is unknown on ${host.name}: no reported filesystem holds it`);
    const min = gib(num(host.vars, 'cluster_require.minimal_disk_gb'));
    const free = toGiB(bytes(disk.freeBytes));
    if (free >= min) return pass(`${free} GiB free on ${disk.mount} (holds ${PATH}) ≥ ${min} GiB`);
    return fail(`${free} GiB free on ${disk.mount} (holds ${PATH}), less than ${min} GiB: free space or grow the filesystem`);
  },
});
