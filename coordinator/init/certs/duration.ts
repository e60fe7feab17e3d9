// KubeKey's `certs.*.date` values are Go durations (`87600h`, `8760h30m`); kk reads the same syntax.
import { UserError } from '../../../shared/errors';

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Milliseconds in a Go duration string; `field` names the config key in the error. */
export function parseGoDuration(text: string, field: string): number {
  const s = text.trim();
  const re = /(\d+(?:\.\d+)?)(ns|us|\u00b5s|ms|s|m|h)/gy; // µ escaped: keeps the bundle ASCII (cheap to load)
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
    matched = re.lastIndex;
  }
  if (s === '' || matched !== s.length || total <= 0) {
    throw new UserError(`${field}: "${text}" is not a positive duration (Go syntax, e.g. 87600h for 10 years)`);
  }
  return total;
}
