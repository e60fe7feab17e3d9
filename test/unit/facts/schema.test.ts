import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFactSet } from '../../../shared/facts/schema';
import { UserError } from '../../../shared/errors';
import { fullFactSet, nullFactsFactSet, nullLeavesFactSet } from './sample-facts';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

test('valid fact sets pass unchanged, nulls included', () => {
  for (const f of [fullFactSet(), nullLeavesFactSet(), nullFactsFactSet()]) {
    assert.deepEqual(parseFactSet(clone(f), 'x'), f);
  }
});

test("the coordinator's receivedAtMs/clockOffsetMs are accepted and kept", () => {
  const f = { ...fullFactSet(), receivedAtMs: 1764057600500, clockOffsetMs: -37 };
  assert.deepEqual(parseFactSet(clone(f), 'x'), f);
});

test('unknown fields are ignored, at the top and nested', () => {
  const raw = clone(fullFactSet()) as unknown as Record<string, unknown>;
  raw.gpu = { count: 8 };
  (raw.os as Record<string, unknown>).variant = 'server';
  const parsed = parseFactSet(raw, 'x');
  assert.deepEqual(parsed, fullFactSet());
  assert.equal('gpu' in parsed, false);
});

test('fio and probeErrors may be left out', () => {
  const raw = clone(fullFactSet()) as unknown as Record<string, unknown>;
  delete raw.fio;
  delete raw.probeErrors;
  const parsed = parseFactSet(raw, 'x');
  assert.equal(parsed.fio, null);
  assert.deepEqual(parsed.probeErrors, {});
});

test('a missing required field is a UserError naming where and which field', () => {
  const raw = clone(fullFactSet()) as unknown as Record<string, unknown>;
  delete raw.memory;
  assert.throws(
    () => parseFactSet(raw, 'facts.json: nodes.node2'),
    (err: unknown) => {
      assert.ok(err instanceof UserError);
      assert.match(err.message, /^facts\.json: nodes\.node2: /);
      assert.match(err.message, /field "memory" is missing/);
      return true;
    },
  );
  const nested = clone(fullFactSet()) as unknown as { memory: Record<string, unknown> };
  delete nested.memory.totalBytes;
  assert.throws(() => parseFactSet(nested, 'report from node3'), /report from node3: .*field "memory\.totalBytes" is missing/);
});

test('wrong types and values are named too', () => {
  const raw = clone(fullFactSet()) as unknown as Record<string, unknown>;
  raw.cpu = { count: '4', model: 'x' };
  assert.throws(() => parseFactSet(raw, 'n'), /field "cpu\.count" must be number, not the string "4"/);
  const cg = clone(fullFactSet()) as unknown as Record<string, unknown>;
  cg.cgroup = { version: 3, controllers: [] };
  assert.throws(() => parseFactSet(cg, 'n'), /field "cgroup\.version"/);
  const lp = clone(fullFactSet()) as unknown as { listeningPorts: Array<Record<string, unknown>> };
  lp.listeningPorts[0]!.protocol = 'sctp';
  assert.throws(() => parseFactSet(lp, 'n'), /field "listeningPorts\.0\.protocol"/);
  assert.throws(() => parseFactSet('not an object', 'n'), /n: invalid fact set: \(the fact set itself\)/);
});
