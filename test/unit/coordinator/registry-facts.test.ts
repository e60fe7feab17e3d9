// The facts cache is written behind and coalesced; these tests pin what must still hold: what is
// in memory reaches disk (on the timer, and at shutdown), a restart reads it back, and a removed
// node's facts do not reappear.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NodeRegistry, type NodeRecord, type StoredFacts } from '../../../coordinator/registry/nodes';
import { simulatedFacts } from '../../../bench/fleet/facts';

function record(name: string): NodeRecord {
  return { name, machineId: `m-${name}`, certFingerprint: `fp-${name}`, certSerial: '01', nkeyPublic: 'U', enrolledAtMs: 1, agentVersion: 't', tokenId: 't' };
}
function stored(name: string, at: number): StoredFacts {
  return { facts: simulatedFacts(1, name, at), receivedAtMs: at, clockOffsetMs: 0 };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kk-registry-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'many reports of one node end as one file holding the last of them; a restart reads it back',
  withDir(async (dir) => {
    const r = new NodeRegistry(dir);
    r.upsert(record('n1'));
    for (let i = 1; i <= 50; i++) r.putFacts('n1', stored('n1', 1000 + i));
    assert.equal(r.getFacts('n1')?.receivedAtMs, 1050, 'memory has the latest at once');
    await r.factsFlushed();
    await r.flushed();
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'facts', 'n1.json'), 'utf8')) as StoredFacts;
    assert.equal(onDisk.receivedAtMs, 1050);
    const again = new NodeRegistry(dir);
    assert.equal(again.getFacts('n1')?.receivedAtMs, 1050);
    assert.equal(again.getFacts('n1')?.facts.hostname, 'n1');
  }),
);

test(
  'flushSync (the shutdown path) writes facts still waiting for the timer',
  withDir(async (dir) => {
    const r = new NodeRegistry(dir);
    r.upsert(record('n2'));
    r.putFacts('n2', stored('n2', 7));
    assert.equal(existsSync(path.join(dir, 'facts', 'n2.json')), false, 'not written synchronously by the report');
    r.flushSync();
    assert.equal((JSON.parse(readFileSync(path.join(dir, 'facts', 'n2.json'), 'utf8')) as StoredFacts).receivedAtMs, 7);
  }),
);

test(
  'a node removed before its facts were written leaves no file behind',
  withDir(async (dir) => {
    const r = new NodeRegistry(dir);
    r.upsert(record('n3'));
    r.putFacts('n3', stored('n3', 9));
    r.remove('n3');
    await r.factsFlushed();
    r.flushSync();
    assert.equal(existsSync(path.join(dir, 'facts', 'n3.json')), false);
    assert.equal(new NodeRegistry(dir).getFacts('n3'), undefined);
  }),
);
