// Validation of a fact set that arrives from outside the coordinator — a `precheck --facts` file
// or an agent's gRPC report — against the facts.md contract. Unknown fields are dropped (a newer
// agent may send more); a missing or mistyped required field is a UserError naming where and
// which field. Every fact is a required key whose value may be null; `fio` (null until a probe
// ran) and `probeErrors` may be left out, as may the coordinator's receivedAtMs/clockOffsetMs.
import type { z } from 'zod';
import { UserError } from '../errors';
import type { FactSet } from './types';
import { factSetSchema } from './shape';
import { fastFactSet } from './schema-fast';

// Defined once in ./shape.ts, with the types and the quick check.
export { factSetSchema };

/** Validates one fact set; `where` names its origin for the message ("facts.json: node node1"). */
export function parseFactSet(value: unknown, where: string): FactSet {
  // The agent's own output is exactly the shape: a quick check settles it (./schema-fast.ts).
  const fast = fastFactSet(value);
  if (fast) return fast;
  const r = factSetSchema.safeParse(value);
  if (r.success) {
    const f = r.data;
    // Keep the optional fields out of the result when absent, so the value deep-equals its source.
    if (f.receivedAtMs === undefined) delete f.receivedAtMs;
    if (f.clockOffsetMs === undefined) delete f.clockOffsetMs;
    return f;
  }
  const problems = r.error.issues.slice(0, 5).map((issue) => describeIssue(value, issue));
  const more = r.error.issues.length > 5 ? ` (and ${r.error.issues.length - 5} more)` : '';
  throw new UserError(`${where}: invalid fact set: ${problems.join('; ')}${more}`);
}

function describeIssue(root: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  const field = path.length === 0 ? '(the fact set itself)' : `field "${path.join('.')}"`;
  const missing = path.length > 0 && valueAt(root, path) === undefined && issue.code === 'invalid_type';
  if (missing) return `${field} is missing`;
  if (issue.code === 'invalid_type') return `${field} must be ${issue.expected}, not ${describeValue(valueAt(root, path))}`;
  return `${field}: ${issue.message}`;
}

function valueAt(root: unknown, path: string[]): unknown {
  let v: unknown = root;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}
