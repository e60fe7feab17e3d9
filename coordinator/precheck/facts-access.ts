// Reading a host's facts for a rule. A fact that is missing — no fact set for the host, or a null
// the agent explained in probeErrors — throws UnknownFactError, which the engine reports as `fail`
// with the reason: a failed probe must never read as a pass.
import type { FactSet, InterfaceAddress, InterfaceFacts } from '../../shared/facts/types';
import type { RuleContext } from './rule';
import { normalizeIp } from './cidr';

export class UnknownFactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownFactError';
  }
}

/** Why `host` has no fact set, in words for the message. */
export function missingReason(ctx: RuleContext, host: string): string {
  const given = ctx.factErrors?.get(host);
  if (given) return given;
  return ctx.mode === 'facts' ? 'the fact file has no entry for this host' : 'no agent reported facts for this host in this run';
}

/** The host's fact set, or throws UnknownFactError. */
export function factSet(ctx: RuleContext, host: string): FactSet {
  const fs = ctx.facts.get(host);
  if (!fs) throw new UnknownFactError(`facts of ${host} are unknown: ${missingReason(ctx, host)}`);
  return fs;
}

/** The host's fact set or null, for cluster rules that collect what is known. */
export function factSetOrNull(ctx: RuleContext, host: string): FactSet | null {
  return ctx.facts.get(host) ?? null;
}

/** Why `name` (a facts.md field name, dotted when nested) is null in this fact set. */
export function nullReason(fs: FactSet, name: string): string {
  return fs.probeErrors[name] ?? 'not collected by the agent';
}

/** A top-level fact, or throws UnknownFactError naming the fact, the host and the agent's reason. */
export function fact<K extends keyof FactSet>(ctx: RuleContext, host: string, name: K): NonNullable<FactSet[K]> {
  const fs = factSet(ctx, host);
  const v = fs[name];
  if (v === null || v === undefined) {
    throw new UnknownFactError(`fact "${String(name)}" is unknown on ${host}: ${nullReason(fs, String(name))}`);
  }
  return v as NonNullable<FactSet[K]>;
}

/**
 * A keyed entry of a map fact (sysctl, binaries): null there means "absent on the node", unless
 * the agent recorded a probe error for that key (`binaries.conntrack`), which makes it unknown.
 */
export function entry<T>(host: string, fs: FactSet, map: 'sysctl' | 'binaries' | 'services' | 'paths', key: string, values: Record<string, T>): T | null {
  const dotted = `${map}.${key}`;
  const err = fs.probeErrors[dotted];
  if (err !== undefined) throw new UnknownFactError(`fact "${dotted}" is unknown on ${host}: ${err}`);
  if (!(key in values)) throw new UnknownFactError(`fact "${dotted}" is unknown on ${host}: the agent did not report it`);
  return values[key] ?? null;
}

export interface CarryingInterface {
  iface: InterfaceFacts;
  address: InterfaceAddress;
}

/** The interface holding `ip` (compared canonically), or null. */
export function interfaceCarrying(interfaces: readonly InterfaceFacts[], ip: string): CarryingInterface | null {
  const want = normalizeIp(ip);
  const wantV6 = want.includes(':');
  for (const iface of interfaces) {
    for (const address of iface.addresses) {
      if (sameAddress(address.address, want, wantV6)) return { iface, address };
    }
  }
  return null;
}

/**
 * `normalizeIp(text) === want` without parsing every address of every node: only text holding a
 * `:` can normalize to anything but itself trimmed (IPv4 is canonical once valid), so the many
 * IPv6 addresses of a node never need parsing when an IPv4 address is wanted, and vice versa.
 */
function sameAddress(text: string, want: string, wantV6: boolean): boolean {
  if (text.includes(':')) return wantV6 && normalizeIp(text) === want;
  return !wantV6 && (text === want || text.trim() === want);
}

export interface Collected<T> {
  values: { host: string; value: T }[];
  /** "host: why" for every host whose fact is unknown. */
  unknown: string[];
}

/**
 * Reads one value per host for a cluster rule. `read` returns undefined to leave a host out
 * (the fact is legitimately absent) and throws UnknownFactError when it is unknown.
 */
export function collect<T>(ctx: RuleContext, hosts: readonly string[], read: (fs: FactSet, host: string) => T | undefined): Collected<T> {
  const out: Collected<T> = { values: [], unknown: [] };
  for (const host of hosts) {
    const fs = ctx.facts.get(host);
    if (!fs) {
      out.unknown.push(`${host}: ${missingReason(ctx, host)}`);
      continue;
    }
    try {
      const value = read(fs, host);
      if (value !== undefined) out.values.push({ host, value });
    } catch (err) {
      if (!(err instanceof UnknownFactError)) throw err;
      out.unknown.push(err.message);
    }
  }
  return out;
}

/** Groups of hosts sharing a key, only those with more than one host, in first-seen order. */
export function duplicates<T>(values: readonly { host: string; value: T }[], key: (v: T) => string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  for (const { host, value } of values) {
    const k = key(value);
    const list = seen.get(k);
    if (list) list.push(host);
    else seen.set(k, [host]);
  }
  for (const [k, hosts] of seen) if (hosts.length < 2) seen.delete(k);
  return seen;
}
