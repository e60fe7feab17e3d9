// The fast YAML reader against the full `yaml` parser: whatever the fast reader accepts must be a
// document `yaml` parses without error to the very same value (key order and -0 included); what it
// declines falls back to `yaml`, so declining is always safe but accepting wrongly is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { fastParseYaml, NOT_HANDLED } from '../../../coordinator/inventory/yaml-fast';
import { fleetHosts, fleetInventoryYaml } from '../../../bench/fleet/inventory';
import { FIXTURES } from './helpers';
import { rng } from '../../lib/rng';

/** What the loader gets from the full parser, or undefined when `yaml` reports an error. */
function reference(text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: false, merge: true, uniqueKeys: true });
  if (doc.errors.length > 0) return undefined;
  return doc.toJS({ maxAliasCount: 1000 }) as unknown;
}

/** deepStrictEqual ignores key order; the loader's output order is visible (messages, JSON). */
function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return v;
}

function assertAgrees(text: string, mustHandle = false): boolean {
  const fast = fastParseYaml(text);
  if (fast === NOT_HANDLED) {
    assert.ok(!mustHandle, `the fast reader declined:\n${text}`);
    return false;
  }
  const ref = reference(text);
  assert.notEqual(ref, undefined, `the fast reader accepted a document yaml rejects:\n${text}`);
  assert.deepStrictEqual(fast, ref, `different values for:\n${text}`);
  assert.deepStrictEqual(keyOrder(fast), keyOrder(ref), `different key order for:\n${text}`);
  return true;
}

// Scalars chosen to hit every core-schema tag and every indicator the reader must respect.
const SCALARS = [
  'a',
  'node1',
  'sim-00001',
  'kube_version',
  'v1.33.1',
  '10.0.0.1',
  'fd00::1',
  '100.64.0.0/12',
  'http://x.y/z',
  'a b c',
  '0',
  '-0',
  '+5',
  '017',
  '0o17',
  '0o8',
  '0x1F',
  '0x',
  '1.5',
  '.5',
  '5.',
  '-.5e3',
  '1e3',
  '1E+2',
  '1_000',
  '.inf',
  '-.Inf',
  '.nan',
  '.Nan',
  'true',
  'True',
  'TRUE',
  'tRue',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'Null',
  'NULL',
  '~',
  '~x',
  'nul',
  'a#b',
  'a #b',
  'a: b',
  'a:b',
  'a:',
  ':a',
  '-a',
  '- a',
  '-',
  '?a',
  '? a',
  ',a',
  'a,b',
  '[a',
  'a]',
  '{a',
  'a}',
  '&x',
  '*x',
  '!x',
  '!!str 5',
  '|',
  '>',
  '%x',
  '@x',
  '`x',
  '<<',
  "'q'",
  "'it''s'",
  '"dq"',
  '"a\\nb"',
  '"a #b"',
  "'a: b'",
  '""',
  "''",
  '"',
  "'",
  'é',
  'ünï',
  '日本',
  '__proto__',
  'toString',
  'constructor',
  'x'.repeat(40),
];
const KEYS = [
  'a',
  'b',
  'node1',
  'sim-00001',
  'kube_version',
  'a.b',
  'k8s.io/x',
  '10.0.0.1',
  '1',
  '1.5',
  'true',
  'null',
  '~',
  'x y',
  'a:b',
  '__proto__',
  'toString',
  '"q"',
  '<<',
  '-k',
  'a#b',
];

type Gen = () => number;
const pick = <T>(r: Gen, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;

// Mostly ordinary values, so most documents are in the subset; a tenth from the whole list.
const ORDINARY = SCALARS.slice(0, 40).concat(['true', 'false', 'null', '~', "'q'", '"dq"', 'a#b', 'é', 'toString']);
const ORDINARY_KEYS = KEYS.slice(0, 10);

function scalarText(r: Gen, flow: boolean): string {
  const s = pick(r, r() < 0.1 ? SCALARS : ORDINARY);
  if (flow && r() < 0.2) return `${s}${pick(r, [' ', '  ', ''])}`;
  return s;
}

function flowText(r: Gen, depth: number): string {
  if (depth > 2 || r() < 0.5) return scalarText(r, true);
  if (r() < 0.5) {
    const n = Math.floor(r() * 4);
    return `[${Array.from({ length: n }, () => flowText(r, depth + 1)).join(pick(r, [', ', ',', ' , ']))}]`;
  }
  const n = Math.floor(r() * 4);
  return `{${pick(r, [' ', ''])}${Array.from({ length: n }, () => `${pick(r, r() < 0.1 ? KEYS : ORDINARY_KEYS)}: ${flowText(r, depth + 1)}`).join(', ')}${pick(r, [' ', ''])}}`;
}

function comment(r: Gen): string {
  return r() < 0.15 ? pick(r, [' # c', '  #c', ' #: x', '#no']) : '';
}

/** Block YAML of random shape at `indent`. */
function blockText(r: Gen, indent: number, depth: number): string[] {
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  const seq = depth > 0 && r() < 0.3;
  for (let i = 0; i < n; i++) {
    const head = seq ? `${pad}-` : `${pad}${pick(r, r() < 0.1 ? KEYS : ORDINARY_KEYS)}:`;
    const roll = r();
    if (roll < 0.25 && depth < 3) {
      lines.push(`${head}${comment(r)}`);
      if (r() < 0.1) lines.push('');
      if (r() < 0.1) lines.push(`${' '.repeat(Math.floor(r() * 6))}# between`);
      // Nested block, more indented (sometimes a list at its key's own indentation).
      const childIndent = !seq && r() < 0.2 ? indent : indent + pick(r, [1, 2, 4]);
      const child = blockText(r, childIndent, depth + 1);
      if (childIndent === indent && !child[0]?.trimStart().startsWith('-')) lines.push(...blockText(r, indent + 2, depth + 1));
      else lines.push(...child);
    } else if (roll < 0.3) {
      lines.push(head);
    } else if (roll < 0.5) {
      lines.push(`${head} ${flowText(r, 0)}${comment(r)}`);
    } else {
      lines.push(`${head} ${scalarText(r, false)}${comment(r)}`);
    }
  }
  return lines;
}

/** Random single-character edits: the fast reader must decline or agree, never misread. */
function mutate(r: Gen, text: string): string {
  let out = text;
  const edits = 1 + Math.floor(r() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(r() * (out.length + 1));
    const roll = r();
    if (roll < 0.4)
      out =
        out.slice(0, at) +
        pick(r, [' ', '-', ':', '#', '\n', "'", '"', ',', '[', ']', '{', '}', '\t', '  ', '- ', ': ', '---\n', '\\', '&', '|']) +
        out.slice(at);
    else if (roll < 0.8) out = out.slice(0, at) + out.slice(at + 1);
    else out = out.slice(0, at) + '\n' + ' '.repeat(Math.floor(r() * 5)) + out.slice(at);
  }
  return out;
}

test('every fixture the fast reader accepts reads exactly as yaml reads it', () => {
  let handled = 0;
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.yaml'))) {
    if (assertAgrees(readFileSync(path.join(FIXTURES, f), 'utf8'))) handled++;
  }
  // The shipped samples are plain YAML: the fast path must actually be taken for them.
  assert.ok(handled >= 10, `only ${handled} fixtures took the fast path`);
  for (const f of ['kubekey-sample-inventory.yaml', 'kubekey-sample-config-v1.33.yaml', 'precedence-inventory.yaml', 'kubekey-ha-inventory.yaml']) {
    assertAgrees(readFileSync(path.join(FIXTURES, f), 'utf8'), true);
  }
});

test('a generated fleet inventory takes the fast path and reads the same', () => {
  const text = fleetInventoryYaml(fleetHosts(300));
  assertAgrees(text, true);
  const v = fastParseYaml(text) as { spec: { hosts: Record<string, unknown>; groups: { kube_worker: { hosts: string[] } } } };
  assert.equal(Object.keys(v.spec.hosts).length, 300);
  assert.equal(v.spec.groups.kube_worker.hosts.length, 297);
});

test('the core schema: types resolve as yaml resolves them', () => {
  const doc = [
    'a: 0',
    'b: -0',
    'c: +5',
    'd: 017',
    'e: 0o17',
    'f: 0x1F',
    'g: 1.5',
    'h: .5',
    'i: 5.',
    'j: -.5e3',
    'k: 1_000',
    'l: true',
    'm: False',
    'n: yes',
    'o: null',
    'p: ~',
    "q: '1'",
    'r: "true"',
    "s: 'it''s'",
    't:',
    'u: 10.0.0.1',
    'v: v1.28',
    'w: [1, "2", a, 0x10, https://x.io:5000/p]',
    'x: { y: 1, z: [ ] }',
    'y: {}',
    'z: []',
  ].join('\n');
  assertAgrees(doc, true);
  const v = fastParseYaml(doc) as Record<string, unknown>;
  assert.equal(v.d, 17);
  assert.equal(v.e, 15);
  assert.ok(Object.is(v.b, -0));
  assert.equal(v.n, 'yes');
  assert.equal(v.t, null);
  assert.deepEqual(v.w, [1, '2', 'a', 16, 'https://x.io:5000/p']);
});

test('what the fast reader does not handle is left to the full parser', () => {
  const declined = [
    'a: &x 1\nb: *x',
    'a: !!str 1',
    'a: |\n  text',
    'a: >\n  text',
    'a: 1\na: 2',
    'a: {b: 1, b: 2}',
    'a: "x\\ty"',
    'a: b\n  c',
    'a:\n  b: 1\n c: 2',
    'a:\tb',
    'a: 1\r\nb: 2',
    '\ufeffa: 1',
    '<<: {a: 1}',
    'a: [1,\n  2]',
    '"a": 1',
    '? a\n: 1',
    'a: 1\n---\nb: 2',
    '- a\n- b',
    'just text',
    '',
    '# only a comment\n',
    'a: .inf',
    '1: x',
    'true: x',
    '__proto__: x',
    'a: [b: c]',
    'a: - b',
  ];
  for (const text of declined) assert.equal(fastParseYaml(text), NOT_HANDLED, `expected the fast reader to decline:\n${text}`);
});

test('random documents: accepted ones agree with yaml', () => {
  const r = rng(20251125);
  let accepted = 0;
  for (let i = 0; i < 2500; i++) {
    const text = `${blockText(r, pick(r, [0, 0, 0, 2]), 0).join('\n')}${pick(r, ['\n', '', '\n\n'])}`;
    if (assertAgrees(text)) accepted++;
  }
  // Guards the generator: most documents must be in the subset, or this test checks nothing.
  assert.ok(accepted > 300, `only ${accepted} generated documents took the fast path`);
});

test('random edits of valid documents: never a misread, never an accepted error', () => {
  const r = rng(7);
  const bases = [
    ...readdirSync(FIXTURES)
      .filter((n) => n.endsWith('.yaml'))
      .map((f) => readFileSync(path.join(FIXTURES, f), 'utf8')),
    fleetInventoryYaml(fleetHosts(6)),
  ];
  let accepted = 0;
  for (let i = 0; i < 3000; i++) {
    if (assertAgrees(mutate(r, pick(r, bases)))) accepted++;
  }
  assert.ok(accepted > 300, `only ${accepted} edited documents took the fast path`);
});
