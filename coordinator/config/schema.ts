// A small schema language for KubeKey's free-form vars. Hand-rolled rather than zod because every
// finding must point back at a YAML node (path in, path out), unknown keys must be kept, and
// closed maps need "did you mean" suggestions — none of which zod's issue model gives directly.
import type { Value } from '../model/cluster';
import { isMap } from './merge';
import { closestKey } from './typo';

export type PathSeg = string | number;

export interface Issue {
  level: 'error' | 'warning';
  path: PathSeg[];
  /** Whether the finding is about the key itself (typo) or its value. */
  at: 'key' | 'value';
  message: string;
}

export type CheckResult = { ok: true; value?: Value } | { ok: false; message: string };
export type Check = (v: Value) => CheckResult;

export type Schema =
  | { kind: 'map'; keys: Record<string, Schema> }
  | { kind: 'dict'; values: Schema; key?: (k: string) => string | null }
  | { kind: 'list'; items: Schema }
  | { kind: 'leaf'; check: Check }
  | { kind: 'any' };

/** A map with known keys: unknown keys are kept, but a near miss of a known key is warned about. */
export const map = (keys: Record<string, Schema>): Schema => ({ kind: 'map', keys });
/** A map with free keys (extra_args, tables); `key` returns an error message for a bad key. */
export const dict = (values: Schema, key?: (k: string) => string | null): Schema => ({ kind: 'dict', values, key });
export const list = (items: Schema): Schema => ({ kind: 'list', items });
export const leaf = (check: Check): Schema => ({ kind: 'leaf', check });
export const any: Schema = { kind: 'any' };

/** How a found value reads in a message. */
export function describe(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return `number ${v}`;
  if (typeof v === 'boolean') return `boolean ${v}`;
  if (Array.isArray(v)) return 'a list';
  return 'a map';
}

export const expected = (what: string, v: Value): CheckResult => ({ ok: false, message: `expected ${what}, found ${describe(v)}` });

/**
 * Walks `value` against `schema`, appending findings to `issues`. Returns the value with
 * normalisations applied (e.g. a numeric port string becomes a number). Null is accepted
 * everywhere: in KubeKey files it means "not set".
 */
export function validate(value: Value, schema: Schema, path: PathSeg[], issues: Issue[]): Value {
  if (value === null || schema.kind === 'any') return value;
  switch (schema.kind) {
    case 'leaf': {
      const r = schema.check(value);
      if (!r.ok) {
        issues.push({ level: 'error', path, at: 'value', message: r.message });
        return value;
      }
      return r.value === undefined ? value : r.value;
    }
    case 'list': {
      if (!Array.isArray(value)) {
        issues.push({ level: 'error', path, at: 'value', message: `expected a list, found ${describe(value)}` });
        return value;
      }
      return value.map((item, i) => validate(item, schema.items, [...path, i], issues));
    }
    case 'dict': {
      if (!isMap(value)) {
        issues.push({ level: 'error', path, at: 'value', message: `expected a map, found ${describe(value)}` });
        return value;
      }
      const out: Record<string, Value> = {};
      for (const [k, v] of Object.entries(value)) {
        const bad = schema.key?.(k);
        if (bad) issues.push({ level: 'error', path: [...path, k], at: 'key', message: bad });
        out[k] = validate(v, schema.values, [...path, k], issues);
      }
      return out;
    }
    case 'map': {
      if (!isMap(value)) {
        issues.push({ level: 'error', path, at: 'value', message: `expected a map, found ${describe(value)}` });
        return value;
      }
      const out: Record<string, Value> = {};
      for (const [k, v] of Object.entries(value)) {
        const known = schema.keys[k];
        if (known) {
          out[k] = validate(v, known, [...path, k], issues);
          continue;
        }
        const near = closestKey(k, Object.keys(schema.keys));
        if (near) {
          issues.push({
            level: 'warning',
            path: [...path, k],
            at: 'key',
            message: `unknown key "${k}" — did you mean "${near}"? (kept as written)`,
          });
        }
        out[k] = v;
      }
      return out;
    }
  }
}
