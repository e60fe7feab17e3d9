// binaries: where each tool prechecks need lives on the clean PATH (never the agent's own PATH,
// which depends on who started it). null means searched everywhere and not found.
import { accessSync, constants, statSync } from 'node:fs';
import { BINARIES, CLEAN_PATH } from '../../shared/facts/types';
import { errnoCode, fsReason, hostPath, type ProbeContext, type ProbeErrors } from './probe';

const NOT_THERE = new Set(['ENOENT', 'ENOTDIR', 'ELOOP']);

/**
 * The first executable regular file named `name` in the clean PATH's directories. Synchronous
 * stat/access: a collection makes ~100 of these and each is a few microseconds (see probe.ts).
 */
export async function findBinary(ctx: ProbeContext, name: string): Promise<string | null> {
  for (const dir of CLEAN_PATH.split(':')) {
    const candidate = `${dir}/${name}`;
    const p = hostPath(ctx, candidate);
    try {
      if (!statSync(p).isFile()) continue;
      accessSync(p, constants.X_OK);
      return candidate;
    } catch (err) {
      const code = errnoCode(err);
      if (code && (NOT_THERE.has(code) || code === 'EACCES')) continue;
      throw new Error(fsReason(candidate, err));
    }
  }
  return null;
}

export async function readBinaries(ctx: ProbeContext, errors: ProbeErrors, names: readonly string[] = BINARIES): Promise<Record<string, string | null>> {
  const found = await Promise.all(
    names.map(async (name) => {
      try {
        return await findBinary(ctx, name);
      } catch (err) {
        errors[`binaries.${name}`] = err instanceof Error ? err.message : String(err);
        return null;
      }
    }),
  );
  return Object.fromEntries(names.map((n, i) => [n, found[i] ?? null]));
}
