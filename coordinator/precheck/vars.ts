// Typed reads of config values with precheck.md's defaults. A value of the wrong type is a
// ConfigValueError naming the key; the engine reports it as that rule's failure.
import type { Value, Vars } from '../model/cluster';
import { PRECHECK_DEFAULTS } from './defaults';
import { memoize } from './memo';
import { getVar } from '../model/vars';

export class ConfigValueError extends Error {
  constructor(
    readonly path: string,
    expected: string,
    found: Value,
  ) {
    super(`spec.${path}: expected ${expected}, found ${JSON.stringify(found)}`);
    this.name = 'ConfigValueError';
  }
}

// The walk is the one variable reader's (coordinator/model/vars.ts); this adds precheck.md's
// defaults and errors that name the key.
const walk = (tree: Vars, path: string): Value | undefined => getVar(tree, path);

// The defaults never change: each path's default is looked up once.
const defaultAt = memoize((path: string): Value | undefined => walk(PRECHECK_DEFAULTS, path));

/** KubeKey writes "unset" as an absent key, `null` or `""`: all three mean unset here. */
function isUnset(v: Value | undefined): v is undefined | null | '' {
  return v === undefined || v === null || v === '';
}

/** The raw value at `path` (dotted), else precheck.md's default, else undefined. */
export function lookup(vars: Vars, path: string): Value | undefined {
  const v = walk(vars, path);
  if (!isUnset(v)) return v;
  const d = defaultAt(path);
  return isUnset(d) ? undefined : d;
}

/** True when the user (or loader) gave the key a value, ignoring precheck defaults. */
export function isSet(vars: Vars, path: string): boolean {
  return !isUnset(walk(vars, path));
}

export function optString(vars: Vars, path: string): string | undefined {
  const v = lookup(vars, path);
  if (v === undefined) return undefined;
  // YAML reads `version: 1.30` as a number; the user meant the text.
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') throw new ConfigValueError(path, 'a string', v);
  return v.trim() === '' ? undefined : v.trim();
}

export function str(vars: Vars, path: string): string {
  const v = optString(vars, path);
  if (v === undefined) throw new ConfigValueError(path, 'a value', null);
  return v;
}

export function num(vars: Vars, path: string): number {
  const v = lookup(vars, path);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new ConfigValueError(path, 'a number', v ?? null);
}

export function bool(vars: Vars, path: string): boolean {
  const v = lookup(vars, path);
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  throw new ConfigValueError(path, 'true or false', v ?? null);
}

export function strList(vars: Vars, path: string): string[] {
  const v = lookup(vars, path);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ConfigValueError(path, 'a list', v);
  return v.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number') return String(item);
    throw new ConfigValueError(path, 'a list of strings', v);
  });
}

export function record(vars: Vars, path: string): { [key: string]: Value } {
  const v = lookup(vars, path);
  if (v === undefined) return {};
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ConfigValueError(path, 'a map', v);
  return v;
}
