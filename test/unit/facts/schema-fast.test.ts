// The quick fact-set check against zod: whenever it accepts, zod must accept too and return the
// very same value (key order included); and parseFactSet must answer exactly as zod alone would —
// the same data, or the same error message — for valid, odd and broken fact sets alike.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factSetSchema, parseFactSet } from '../../../shared/facts/schema';
import { fastFactSet } from '../../../shared/facts/schema-fast';
import { simulatedFacts } from '../../../bench/fleet/facts';
import { fullFactSet, nullFactsFactSet, nullLeavesFactSet } from './sample-facts';
import { rng } from '../../lib/rng';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return v;
}

/** What parseFactSet did before the quick check: zod alone (and the same tidy-up). */
function zodOnly(value: unknown): { data: unknown } | { error: string } {
  const r = factSetSchema.safeParse(value);
  if (!r.success) {
    try {
      parseFactSet(value, 'w');
    } catch (err) {
      return { error: (err as Error).message };
    }
    return { error: 'parseFactSet accepted what zod rejects' };
  }
  const d = r.data as Record<string, unknown>;
  if (d.receivedAtMs === undefined) delete d.receivedAtMs;
  if (d.clockOffsetMs === undefined) delete d.clockOffsetMs;
  return { data: d };
}

function assertSame(value: unknown, label: string): boolean {
  const expected = zodOnly(clone(value));
  const fast = fastFactSet(clone(value));
  if (fast) {
    assert.ok('data' in expected, `${label}: the quick check accepted what zod rejects: ${'error' in expected ? expected.error : ''}`);
    assert.deepStrictEqual(fast, expected.data, label);
    assert.deepStrictEqual(keyOrder(fast), keyOrder(expected.data), `${label}: key order`);
  }
  let got: { data: unknown } | { error: string };
  try {
    got = { data: parseFactSet(clone(value), 'w') };
  } catch (err) {
    got = { error: (err as Error).message };
  }
  assert.deepStrictEqual(got, expected, label);
  if ('data' in got && 'data' in expected) assert.deepStrictEqual(keyOrder(got.data), keyOrder(expected.data), `${label}: key order`);
  return fast !== null;
}

const BASES = (): unknown[] => [
  fullFactSet(),
  nullLeavesFactSet(),
  nullFactsFactSet(),
  { ...fullFactSet(), receivedAtMs: 1764057600500, clockOffsetMs: -37 },
  ...Array.from({ length: 12 }, (_, i) => simulatedFacts(i * 37, `sim-${i}`, 1764057600000)),
];

const ODD_VALUES: unknown[] = [
  null,
  undefined,
  0,
  -0,
  -1,
  1.5,
  2 ** 53,
  Infinity,
  NaN,
  '',
  'x',
  '4',
  true,
  false,
  [],
  {},
  [1],
  { a: 1 },
  'IPv4',
  'tcp',
  1,
  2,
  3,
];

/** Every path to a value inside `v`, objects and arrays included. */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [at];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...at, i])));
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...at, k]));
  return out;
}

function parentOf(root: unknown, path: (string | number)[]): Record<string | number, unknown> | null {
  let cur = root;
  for (const seg of path.slice(0, -1)) {
    if (cur === null || typeof cur !== 'object') return null;
    cur = (cur as Record<string | number, unknown>)[seg];
  }
  return cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>) : null;
}

test("the agent's own fact sets take the quick path and equal zod's output", () => {
  for (const [i, base] of BASES().entries()) assert.ok(assertSame(base, `base ${i}`), `base ${i} did not take the quick path`);
});

test("fio and probeErrors left out get zod's defaults; coordinator timestamps are kept", () => {
  const raw = clone(fullFactSet()) as unknown as Record<string, unknown>;
  delete raw.fio;
  delete raw.probeErrors;
  const fast = fastFactSet(raw);
  assert.ok(fast);
  assert.equal(fast.fio, null);
  assert.deepEqual(fast.probeErrors, {});
  assert.equal('receivedAtMs' in fast, false);
  assertSame(raw, 'defaults');
});

test('extra, reordered or odd fields go to zod, which strips or explains them', () => {
  const extra = clone(fullFactSet()) as unknown as Record<string, unknown>;
  extra.gpu = { count: 8 };
  assert.equal(fastFactSet(extra), null);
  assertSame(extra, 'extra top-level');
  const nested = clone(fullFactSet()) as unknown as { os: Record<string, unknown> };
  nested.os = { machine: nested.os.machine, ...nested.os };
  assert.equal(fastFactSet(nested), null, 'nested keys in another order');
  assertSame(nested, 'reordered nested');
  const proto = clone(fullFactSet()) as unknown as { sysctl: Record<string, unknown> };
  proto.sysctl = JSON.parse('{"__proto__": "1"}') as Record<string, unknown>;
  assertSame(proto, '__proto__ key');
  assert.equal(fastFactSet('not an object'), null);
  assert.equal(fastFactSet([]), null);
  assert.equal(fastFactSet(null), null);
});

test('every field set to every odd value: parseFactSet answers as zod does', () => {
  let cases = 0;
  for (const base of BASES().slice(0, 4)) {
    for (const path of paths(base).filter((p) => p.length > 0)) {
      for (const odd of ODD_VALUES) {
        const v = clone(base);
        const parent = parentOf(v, path)!;
        parent[path[path.length - 1]!] = odd;
        assertSame(v, `${path.join('.')} = ${String(odd)}`);
        cases++;
      }
      const v = clone(base);
      const parent = parentOf(v, path)!;
      if (Array.isArray(parent)) parent.splice(Number(path[path.length - 1]), 1);
      else delete parent[path[path.length - 1]!];
      assertSame(v, `${path.join('.')} removed`);
      cases++;
    }
  }
  assert.ok(cases > 3000, `${cases} cases`);
});

test('random combined edits: parseFactSet answers as zod does', () => {
  const r = rng(42);
  const bases = BASES();
  for (let i = 0; i < 1500; i++) {
    const v = clone(bases[Math.floor(r() * bases.length)]);
    const all = paths(v).filter((p) => p.length > 0);
    const edits = 1 + Math.floor(r() * 3);
    for (let e = 0; e < edits; e++) {
      const path = all[Math.floor(r() * all.length)]!;
      const parent = parentOf(v, path);
      if (!parent) continue;
      const key = path[path.length - 1]!;
      const roll = r();
      if (roll < 0.5) parent[key] = ODD_VALUES[Math.floor(r() * ODD_VALUES.length)];
      else if (roll < 0.7) delete parent[key];
      else parent[`extra${e}`] = 1;
    }
    assertSame(v, `random case ${i}`);
  }
});
