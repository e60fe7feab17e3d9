// Leaf checks for the vars schema: each accepts a YAML value or explains, in the user's terms,
// what was expected and what was found.
import type { Value } from '../model/cluster';
import { describe, expected, leaf } from './schema';
import type { CheckResult, Schema } from './schema';
import { ipFamily, parseCidrList, parseKernelVersion, parseMinor, parseVersion } from './formats';

const numberHint = (v: Value): string => (typeof v === 'number' ? ' (YAML read it as a number; quote it)' : '');

export const str: Schema = leaf((v) => (typeof v === 'string' ? { ok: true } : expected(`a string${numberHint(v)}`, v)));

export const bool: Schema = leaf((v) => (typeof v === 'boolean' ? { ok: true } : expected('true or false', v)));

export const scalar: Schema = leaf((v) =>
  typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? { ok: true } : expected('a string, number or boolean', v),
);

export function int(min = 0, max?: number): Schema {
  const what = max === undefined ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
  return leaf((v): CheckResult => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || (max !== undefined && v > max)) return expected(what, v);
    return { ok: true };
  });
}

/** A TCP port; a numeric string (`"6443"`) is accepted and stored as a number. */
export const port: Schema = leaf((v): CheckResult => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) return expected('a port number (1-65535)', v);
  return { ok: true, value: n };
});

/**
 * One of a fixed set of names whose meaning does not depend on case (xfs, IPVS, Containerd,
 * ifnotpresent): any case is accepted and the value is stored in the canonical spelling, which is
 * what every later comparison sees. A value that is no spelling of a listed name stays an error.
 */
export function oneOf(values: readonly string[]): Schema {
  const shown = values.map((x) => (x === '' ? '"" (empty)' : x)).join(', ');
  const canonical = new Map(values.map((x) => [x.toLowerCase(), x]));
  return leaf((v): CheckResult => {
    const value = typeof v === 'string' ? canonical.get(v.toLowerCase()) : undefined;
    return value === undefined ? { ok: false, message: `expected one of ${shown}; found ${describe(v)}` } : { ok: true, value };
  });
}

/** An IP address of the given family (any when omitted); "" means unset. */
export function ip(family?: 'ipv4' | 'ipv6'): Schema {
  const what = family === 'ipv4' ? 'IPv4 address' : family === 'ipv6' ? 'IPv6 address' : 'IP address';
  return leaf((v): CheckResult => {
    if (typeof v !== 'string') return expected(`an ${what}`, v);
    if (v === '') return { ok: true };
    const f = ipFamily(v);
    if (!f) return { ok: false, message: `${describe(v)} is not a valid ${what}` };
    if (family && f !== family) return { ok: false, message: `${describe(v)} is not a valid ${what} (it is an ${f === 'ipv4' ? 'IPv4' : 'IPv6'} address)` };
    return { ok: true };
  });
}

/** One CIDR or a `v4,v6` / `v4/v6` pair, as KubeKey's pod_cidr and service_cidr take. */
export const cidrList: Schema = leaf((v): CheckResult => {
  if (typeof v !== 'string') return expected('a CIDR such as 10.233.64.0/18', v);
  return parseCidrList(v) ? { ok: true } : { ok: false, message: `${describe(v)} is not a valid CIDR` };
});

/** A full version (`v1.33.1` or `1.33.1`); "" means unset. */
export const version: Schema = leaf((v): CheckResult => {
  if (typeof v !== 'string') return expected(`a version such as v1.2.3${numberHint(v)}`, v);
  if (v === '' || parseVersion(v)) return { ok: true };
  return { ok: false, message: `${describe(v)} is not a version (expected x.y.z, e.g. v1.2.3)` };
});

/** Kernel versions may omit parts (`5.4`). */
export const kernelVersion: Schema = leaf((v): CheckResult => {
  if (typeof v !== 'string') return expected(`a kernel version such as 4.9.17${numberHint(v)}`, v);
  return parseKernelVersion(v) ? { ok: true } : { ok: false, message: `${describe(v)} is not a kernel version (expected x.y.z)` };
});

/** A major.minor (`v1.28`), as the compatibility tables list them. */
export const minorVersion: Schema = leaf((v): CheckResult => {
  if (typeof v !== 'string') return expected(`a major.minor version such as v1.28${numberHint(v)}`, v);
  return parseMinor(v) ? { ok: true } : { ok: false, message: `${describe(v)} is not a major.minor version (e.g. v1.28)` };
});

export const minorKey = (k: string): string | null => (parseMinor(k) ? null : `table key "${k}" is not a major.minor version (e.g. v3.28)`);

export const minorOrVersionKey = (k: string): string | null =>
  parseMinor(k) || parseVersion(k) ? null : `table key "${k}" is not a Kubernetes version (e.g. v1.31 or v1.31.14)`;
