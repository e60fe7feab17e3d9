// The registry and token store: group commit with the fsync off the event loop. What must hold is
// durability on flushed(), no lost change when updates race a write, and no older write renamed
// over a newer one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JsonStore } from '../../../coordinator/state/json-store';

interface Doc {
  items: number[];
}
const open = (file: string) =>
  new JsonStore<Doc>(
    file,
    () => ({ items: [] }),
    (raw) => raw as Doc,
  );
const onDisk = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as Doc).items;

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kk-store-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'changes made while a write is on its way all reach the disk; flushed() waits for them',
  withDir(async (dir) => {
    const file = path.join(dir, 's.json');
    const s = open(file);
    const acks: Promise<void>[] = [];
    for (let i = 0; i < 200; i++) {
      s.update((d) => {
        d.items.push(i);
      });
      acks.push(s.flushed());
      if (i % 17 === 0) await new Promise((r) => setImmediate(r)); // let writes start mid-stream
    }
    await Promise.all(acks);
    assert.deepEqual(
      onDisk(file),
      Array.from({ length: 200 }, (_, i) => i),
    );
    assert.deepEqual(open(file).get().items.length, 200);
    assert.deepEqual(readdirSync(dir), ['s.json'], 'no temp files left behind');
  }),
);

test(
  'flushSync during an asynchronous write: the newer content wins on disk',
  withDir(async (dir) => {
    const file = path.join(dir, 's.json');
    const s = open(file);
    s.update((d) => {
      d.items.push(1);
    });
    await new Promise((r) => setImmediate(r)); // the asynchronous write of [1] is now in flight
    const inFlight = s.flushed();
    s.update((d) => {
      d.items.push(2);
    });
    s.flushSync();
    assert.deepEqual(onDisk(file), [1, 2]);
    await inFlight;
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(onDisk(file), [1, 2], 'the older write did not rename over the newer file');
    assert.deepEqual(readdirSync(dir), ['s.json']);
  }),
);

test(
  'a failed write rejects flushed(), keeps the change, and the next flushed() writes it',
  withDir(async (dir) => {
    const parent = path.join(dir, 'state');
    writeFileSync(parent, 'not a directory');
    const file = path.join(parent, 's.json');
    const s = open(file);
    s.update((d) => {
      d.items.push(42);
    });
    await assert.rejects(s.flushed(), /ENOTDIR|EEXIST|not a directory/i);
    assert.deepEqual(s.get().items, [42], 'memory still has the change');
    rmSync(parent);
    mkdirSync(parent);
    await s.flushed();
    assert.deepEqual(onDisk(file), [42]);
  }),
);
