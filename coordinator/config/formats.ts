// Parsers for the value formats KubeKey configs use (addresses, CIDR lists, versions). Shared by
// the load-time schema and by precheck rules, so both read a value the same way.
import ipaddr from 'ipaddr.js';
import semver from 'semver';

export type IpFamily = 'ipv4' | 'ipv6';

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/**
 * Exactly ipaddr's `IPv4.isValidFourPartDecimal` (four decimal octets ≤ 255, no leading zeros),
 * without its general parser: thousands of inventory addresses are checked per load.
 */
export function isFourPartDecimal(text: string): boolean {
  const m = DOTTED_QUAD.exec(text);
  return m !== null && Number(m[1]) <= 255 && Number(m[2]) <= 255 && Number(m[3]) <= 255 && Number(m[4]) <= 255;
}

/** Strict address check: dotted-quad IPv4 only (no `10.1` or octal shorthand), or any IPv6 text form. */
export function ipFamily(text: string): IpFamily | null {
  if (isFourPartDecimal(text)) return 'ipv4';
  if (!text.includes('.') || text.includes(':')) {
    if (ipaddr.IPv6.isValid(text)) return 'ipv6';
  }
  return null;
}

export interface Cidr {
  /** As written, e.g. `10.233.64.0/18`. */
  text: string;
  family: IpFamily;
  address: string;
  prefix: number;
}

/** One CIDR, strictly: a valid address, `/`, a decimal prefix within the family's range. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.lastIndexOf('/');
  if (slash <= 0) return null;
  const address = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const family = ipFamily(address);
  if (!family) return null;
  const prefix = Number(prefixText);
  if (prefix > (family === 'ipv4' ? 32 : 128)) return null;
  return { text, family, address, prefix };
}

/**
 * A KubeKey pod/service CIDR value: one CIDR, or two written `a,b` or `a/b` (the slash form is
 * `10.233.64.0/18/fd85:ee78::/108`). Returns the CIDRs in written order, or null when any part is
 * not a CIDR. How many there are and which families is left to the caller (precheck rules).
 */
export function parseCidrList(text: string): Cidr[] | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (trimmed.includes(',')) {
    const parts = trimmed.split(',').map((p) => p.trim());
    const cidrs = parts.map(parseCidr);
    return cidrs.every((c): c is Cidr => c !== null) ? cidrs : null;
  }
  const single = parseCidr(trimmed);
  if (single) return [single];
  // Slash form: address/prefix/address/prefix.
  const segs = trimmed.split('/');
  if (segs.length === 4) {
    const a = parseCidr(`${segs[0]}/${segs[1]}`);
    const b = parseCidr(`${segs[2]}/${segs[3]}`);
    if (a && b) return [a, b];
  }
  return null;
}

/** A full version `1.2.3` (optionally `v`-prefixed, optionally with a pre-release): its semver form, or null. */
export function parseVersion(text: string): string | null {
  const stripped = text.trim().replace(/^v/, '');
  return semver.valid(stripped);
}

/** A `vX.Y` / `X.Y` major.minor key (the compatibility tables use these): `X.Y`, or null. */
export function parseMinor(text: string): string | null {
  const m = /^v?(\d+)\.(\d+)$/.exec(text.trim());
  return m ? `${Number(m[1])}.${Number(m[2])}` : null;
}

/** `v1.33.1` → `v1.33` (the key KubeKey's version-specific files and tables use); null if not a version. */
export function kubeMinorKey(kubeVersion: string): string | null {
  const v = parseVersion(kubeVersion);
  if (!v) return null;
  return `v${semver.major(v)}.${semver.minor(v)}`;
}

/** A kernel-style version: `x`, `x.y` or `x.y.z` (missing parts read as 0). */
export function parseKernelVersion(text: string): string | null {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(text.trim().split('-')[0] ?? '');
  if (!m) return null;
  return `${Number(m[1])}.${Number(m[2] ?? 0)}.${Number(m[3] ?? 0)}`;
}
