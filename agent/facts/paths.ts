// paths: whether the state prechecks look at is there — a directory is empty with no entries, a
// file with no bytes; a missing path is { exists: false, empty: true }. A path that cannot be
// inspected is left out of the map and its reason is recorded as paths.<path>.
import { opendirSync, statSync } from 'node:fs';
import type { PathFacts } from '../../shared/facts/types';
import { PATHS } from '../../shared/facts/types';
import { errnoCode, fsReason, hostPath, type ProbeContext, type ProbeErrors } from './probe';

export async function inspectPath(ctx: ProbeContext, p: string): Promise<PathFacts> {
  const real = hostPath(ctx, p);
  let info;
  try {
    info = statSync(real); // sync: see probe.ts
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { exists: false, empty: true };
    throw new Error(fsReason(p, err));
  }
  if (!info.isDirectory()) return { exists: true, empty: info.size === 0 };
  try {
    // One entry is enough to know; a big directory is never listed in full.
    const dir = opendirSync(real);
    const first = dir.readSync();
    dir.closeSync();
    return { exists: true, empty: first === null };
  } catch (err) {
    throw new Error(fsReason(p, err));
  }
}

export async function readPaths(ctx: ProbeContext, errors: ProbeErrors, paths: readonly string[] = PATHS): Promise<Record<string, PathFacts>> {
  const out: Record<string, PathFacts> = {};
  await Promise.all(
    paths.map(async (p) => {
      try {
        out[p] = await inspectPath(ctx, p);
      } catch (err) {
        errors[`paths.${p}`] = err instanceof Error ? err.message : String(err);
      }
    }),
  );
  return Object.fromEntries(paths.filter((p) => out[p]).map((p) => [p, out[p]!]));
}
