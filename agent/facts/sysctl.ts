// sysctl: the keys prechecks read, from /proc/sys. A key the kernel does not have (its module is
// not loaded) is null; a key that exists but cannot be read is null *and* a probe error.
import { readFileSync } from 'node:fs';
import { SYSCTL_KEYS } from '../../shared/facts/types';
import { errnoCode, fsReason, hostPath, type ProbeContext, type ProbeErrors } from './probe';

/** net.ipv4.ip_forward → /proc/sys/net/ipv4/ip_forward (dots in interface names are not supported). */
export function sysctlPath(key: string): string {
  return `/proc/sys/${key.replace(/\./g, '/')}`;
}

/** A /proc/sys file's content as `sysctl -n` prints it: trailing newline gone, fields kept. */
export function parseSysctlValue(text: string): string {
  return text.replace(/\n+$/, '').trim();
}

export async function readSysctl(ctx: ProbeContext, errors: ProbeErrors, keys: readonly string[] = SYSCTL_KEYS): Promise<Record<string, string | null>> {
  const values = await Promise.all(
    keys.map(async (key): Promise<string | null> => {
      const file = sysctlPath(key);
      try {
        return parseSysctlValue(readFileSync(hostPath(ctx, file), 'utf8')); // sync: see probe.ts;
      } catch (err) {
        if (errnoCode(err) !== 'ENOENT') errors[`sysctl.${key}`] = fsReason(file, err);
        return null;
      }
    }),
  );
  return Object.fromEntries(keys.map((k, i) => [k, values[i] ?? null]));
}
