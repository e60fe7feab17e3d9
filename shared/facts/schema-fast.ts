// A quick structural check of a fact set, for the common case: an agent's own output, exactly the
// facts.md shape. zod (./schema.ts) takes ~30 µs per fact set, most of a 5,000-node `precheck
// --facts` second; this takes a few. It only ever says "certainly valid, and here is exactly what
// zod would return" or "not sure": anything unusual — an unknown field, fields in another order, a
// value zod might coerce or reject — returns null, and zod decides and explains. The result shares
// nested objects with the input (zod would have copied them): callers hand over freshly parsed data.
import type { FactSet } from './types';
import { COORDINATOR_FIELDS, FIO_FIELD, PROBE_ERRORS_FIELD, REQUIRED_FACTS, type Check } from './shape';

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

const has = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

// Built from the same definitions as factSetSchema (./shape.ts), so the two cannot disagree on a
// field; test/unit/facts/schema-fast.test.ts checks they also agree on every odd value.
const REQUIRED: [string, Check][] = Object.entries(REQUIRED_FACTS).map(([k, f]) => [k, f.fast]);
const fioCheck = FIO_FIELD.fast;
const probeErrorsCheck = PROBE_ERRORS_FIELD.fast;
const COORDINATOR: [string, Check][] = Object.entries(COORDINATOR_FIELDS).map(([k, f]) => [k, f.fast]);
const KNOWN = new Set<string>([...REQUIRED.map(([k]) => k), 'fio', 'probeErrors', ...COORDINATOR.map(([k]) => k)]);

/** The fact set as zod would return it, or null when zod has to decide. */
export function fastFactSet(value: unknown): FactSet | null {
  if (!isPlain(value)) return null;
  let present = 0;
  for (const k of Object.keys(value)) {
    if (!KNOWN.has(k) || value[k] === undefined) return null;
    present++;
  }
  // Built in the schema's key order, as zod builds its output.
  const out: Record<string, unknown> = {};
  for (const [k, check] of REQUIRED) {
    const v = value[k];
    if (!check(v)) return null;
    out[k] = v;
  }
  let used = REQUIRED.length;
  if (has(value, 'fio')) {
    if (!fioCheck(value.fio)) return null;
    out.fio = value.fio;
    used++;
  } else {
    out.fio = null;
  }
  if (has(value, 'probeErrors')) {
    if (!probeErrorsCheck(value.probeErrors)) return null;
    out.probeErrors = value.probeErrors;
    used++;
  } else {
    out.probeErrors = {};
  }
  for (const [k, check] of COORDINATOR) {
    if (!has(value, k)) continue;
    if (!check(value[k])) return null;
    out[k] = value[k];
    used++;
  }
  return used === present ? (out as unknown as FactSet) : null;
}
