import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CommandJournal, INTERRUPTED_REASON, type FinalResult } from '../../../agent/commands/journal';

const result = (status: FinalResult['status'], out = ''): FinalResult => ({
  status,
  exitCode: status === 'ok' ? 0 : 1,
  durationMs: 5,
  changed: true,
  error: '',
  stdoutTail: Buffer.from(out),
  stderrTail: Buffer.alloc(0),
  stdoutBytes: out.length,
  stderrBytes: 0,
  data: { k: 'v' },
});

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-journal-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('unknown id runs; finished id with the same payload is answered from the journal; other payload is a replay', () =>
  withDir((dir) => {
    const j = new CommandJournal(dir);
    assert.deepEqual(j.check('run1-a-n1', 'h1'), { verdict: 'run' });
    j.started('run1-a-n1', 'h1');
    j.finished('run1-a-n1', 'h1', result('ok', 'hello'));
    // A new journal object (an agent restart) reads the same answer from disk.
    const again = new CommandJournal(dir).check('run1-a-n1', 'h1');
    assert.equal(again.verdict, 'journaled');
    assert.ok(again.verdict === 'journaled');
    assert.equal(again.result.status, 'ok');
    assert.equal(again.result.stdoutTail.toString(), 'hello');
    assert.deepEqual(again.result.data, { k: 'v' });
    assert.deepEqual(j.check('run1-a-n1', 'h2'), { verdict: 'replay', journaledHash: 'h1' });
  }));

test('started but not finished (the agent died) → failed with the documented reason, never "run"', () =>
  withDir((dir) => {
    new CommandJournal(dir).started('cmd-1', 'h');
    const j = new CommandJournal(dir);
    const v = j.check('cmd-1', 'h');
    assert.equal(v.verdict, 'interrupted');
    assert.ok(v.verdict === 'interrupted');
    assert.equal(v.result.status, 'failed');
    assert.equal(v.result.error, INTERRUPTED_REASON);
    // From then on it is a finished entry: the same answer every time.
    const later = j.check('cmd-1', 'h');
    assert.equal(later.verdict, 'journaled');
    assert.ok(later.verdict === 'journaled');
    assert.equal(later.result.error, INTERRUPTED_REASON);
    assert.equal(j.check('cmd-1', 'other').verdict, 'replay');
  }));

test('recoverInterrupted finishes every started entry and leaves finished ones alone', () =>
  withDir((dir) => {
    const j = new CommandJournal(dir);
    j.started('a', 'h');
    j.started('b', 'h');
    j.finished('b', 'h', result('ok'));
    const recovered = new CommandJournal(dir).recoverInterrupted();
    assert.deepEqual(
      recovered.map((e) => e.id),
      ['a'],
    );
    const a = j.check('a', 'h');
    assert.ok(a.verdict === 'journaled' && a.result.error === INTERRUPTED_REASON);
    const b = j.check('b', 'h');
    assert.ok(b.verdict === 'journaled' && b.result.status === 'ok');
  }));

test('a torn entry is never read as "not run"', () =>
  withDir((dir) => {
    const j = new CommandJournal(dir);
    writeFileSync(path.join(j.dir, 'torn.json'), '{"id":"torn","ha');
    const v = j.check('torn', 'anything');
    assert.equal(v.verdict, 'interrupted');
  }));

test('entries older than the retention period are swept; recent ones stay', () =>
  withDir((dir) => {
    let now = Date.now();
    const j = new CommandJournal(dir, { retentionMs: 1000, now: () => now });
    j.started('old', 'h');
    j.finished('old', 'h', result('ok'));
    j.started('new', 'h');
    j.finished('new', 'h', result('ok'));
    const old = new Date(Date.now() - 10_000);
    utimesSync(path.join(j.dir, 'old.json'), old, old);
    now += 500;
    assert.equal(j.sweep(), 1);
    assert.deepEqual(readdirSync(j.dir), ['new.json']);
    assert.equal(j.check('old', 'h').verdict, 'run');
  }));

test('ids outside the command id alphabet never reach the file system', () =>
  withDir((dir) => {
    const j = new CommandJournal(dir);
    assert.throws(() => j.started('../escape', 'h'), /invalid command id/);
  }));

test('the process group and the result land on the entry this journal started, as one file on disk', () =>
  withDir((dir) => {
    let now = 1_000_000;
    const j = new CommandJournal(dir, { now: () => now });
    j.started('pg-1', 'h');
    now += 10;
    // Our own pid: a live process whose start time the journal can read.
    j.setProcessGroup('pg-1', process.pid);
    const running = new CommandJournal(dir).get('pg-1');
    assert.equal(running?.state, 'started');
    assert.equal(running?.hash, 'h');
    assert.equal(running?.startedAtMs, 1_000_000);
    assert.equal(running?.processGroup?.pid, process.pid);
    assert.match(running?.processGroup?.startTime ?? '', /^\d+$/);
    now += 10;
    j.finished('pg-1', 'h', result('ok', 'out'));
    const done = new CommandJournal(dir).get('pg-1');
    assert.equal(done?.state, 'finished');
    assert.equal(done?.startedAtMs, 1_000_000);
    assert.equal(done?.updatedAtMs, 1_000_020);
    // Once finished, a late process-group report cannot turn the entry back into "started".
    j.setProcessGroup('pg-1', process.pid);
    assert.equal(new CommandJournal(dir).get('pg-1')?.state, 'finished');
    const v = j.check('pg-1', 'h');
    assert.ok(v.verdict === 'journaled' && v.result.stdoutTail.toString() === 'out');
  }));

test('an entry started by an earlier agent process gets its process group and result from the file', () =>
  withDir((dir) => {
    new CommandJournal(dir, { now: () => 5000 }).started('pg-2', 'h');
    const j = new CommandJournal(dir, { now: () => 6000 });
    j.setProcessGroup('pg-2', process.pid);
    assert.equal(j.get('pg-2')?.processGroup?.pid, process.pid);
    j.finished('pg-2', 'h', result('failed'));
    const e = j.get('pg-2');
    assert.equal(e?.state, 'finished');
    assert.equal(e?.startedAtMs, 5000);
  }));
