// Addresses and CIDRs as KubeKey writes them: `v4`, `v6`, `v4,v6`, or `v4/v6` with the slash
// doubling as separator (`10.233.64.0/18/fd85:ee78::/108`).
import ipaddr from 'ipaddr.js';
import type { AddressFamily } from '../../shared/facts/types';
import { isFourPartDecimal } from '../config/formats';
import { memoize } from './memo';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Parsed once and shared (memoized): treat as immutable. */
export interface Cidr {
  text: string;
  family: AddressFamily;
  addr: Addr;
  prefix: number;
}

export type CidrList = { ok: true; cidrs: Cidr[] } | { ok: false; error: string };

/** The family of a plain address literal, or null when it is not one. */
export const ipFamily = memoize((text: string): AddressFamily | null => {
  const s = text.trim();
  if (isFourPartDecimal(s)) return 'IPv4';
  if (s.includes(':') && ipaddr.IPv6.isValid(s)) return 'IPv6';
  return null;
});

/** A canonical spelling for comparing addresses (`fd00::11` = `fd00:0::11`). */
export const normalizeIp = memoize((text: string): string => {
  const s = text.trim();
  const family = ipFamily(s);
  // A valid four-part decimal is already its own normalized form.
  if (family === 'IPv4') return s;
  return family ? ipaddr.parse(s).toNormalizedString() : s;
});

export const parseCidr = memoize((text: string): Cidr | null => {
  const s = text.trim();
  const slash = s.lastIndexOf('/');
  if (slash < 0) return null;
  const family = ipFamily(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (!family || !/^\d{1,3}$/.test(bitsText)) return null;
  const prefix = Number(bitsText);
  if (prefix > (family === 'IPv4' ? 32 : 128)) return null;
  return { text: s, family, addr: ipaddr.parse(s.slice(0, slash)), prefix };
});

function splitList(raw: string): string[] {
  if (raw.includes(',')) return raw.split(',').map((p) => p.trim());
  const parts = raw.split('/');
  if (parts.length === 4) return [`${parts[0]}/${parts[1]}`, `${parts[2]}/${parts[3]}`];
  return [raw.trim()];
}

/** One or two CIDRs, at most one per family, in the order written. Memoized: treat as immutable. */
export const parseCidrList = memoize((raw: string): CidrList => {
  const items = splitList(raw.trim());
  if (items.length > 2) return { ok: false, error: `"${raw}" holds ${items.length} CIDRs; at most two (one IPv4, one IPv6)` };
  const cidrs: Cidr[] = [];
  for (const item of items) {
    const c = parseCidr(item);
    if (!c) return { ok: false, error: `"${item}" is not a valid CIDR` };
    if (cidrs.some((o) => o.family === c.family)) return { ok: false, error: `"${raw}" holds two ${c.family} CIDRs; at most one per family` };
    cidrs.push(c);
  }
  return { ok: true, cidrs };
});

export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  return a.addr.match(b.addr, Math.min(a.prefix, b.prefix));
}

/** The subnet an interface address sits in, as a Cidr named by its network address. */
export function subnetOf(address: string, prefixLength: number): Cidr | null {
  return subnetOfText(`${address}/${prefixLength}`);
}

/**
 * `subnetOf(address, prefixLength)?.text`, computed directly for a plain IPv4 address: thousands
 * of nodes share a few subnets, and parsing each node's address just to name its subnet was most
 * of network.cidr_overlap. Anything else goes through subnetOf.
 */
export function subnetText(address: string, prefixLength: number): string | null {
  if (isFourPartDecimal(address) && Number.isInteger(prefixLength) && prefixLength >= 0 && prefixLength <= 32) {
    const octets = address.split('.').map(Number);
    const value = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
    const mask = prefixLength === 0 ? 0 : (~0 << (32 - prefixLength)) >>> 0;
    const net = (value & mask) >>> 0;
    return `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefixLength}`;
  }
  return subnetOf(address, prefixLength)?.text ?? null;
}

const subnetOfText = memoize((text: string): Cidr | null => {
  const c = parseCidr(text);
  if (!c) return null;
  const net = c.family === 'IPv4' ? ipaddr.IPv4.networkAddressFromCIDR(c.text) : ipaddr.IPv6.networkAddressFromCIDR(c.text);
  const shown = c.family === 'IPv4' ? net.toString() : (net as ipaddr.IPv6).toRFC5952String();
  return { ...c, text: `${shown}/${c.prefix}`, addr: net };
});
