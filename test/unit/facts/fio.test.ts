import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fioInstallHint, parseFioJson, runFio } from '../../../agent/facts/fio';
import { findBinary } from '../../../agent/facts/binaries';
import { hostContext, ProbeFailure, type ProbeContext } from '../../../agent/facts/probe';
import { fixture, makeRoot } from './helpers';

test('fio JSON (fio 3.33, a real run): sync latency percentiles in ns', () => {
  assert.deepEqual(parseFioJson(fixture('fio-3.33.json')), { p50: 128512, p90: 222208, p99: 1073152 });
});

test('fio JSON: warnings ahead of the document are skipped; failures are explicit', () => {
  assert.deepEqual(parseFioJson(`fio: this platform does not support process shared mutexes, forcing use of threads.\n${fixture('fio-3.33.json')}`), {
    p50: 128512,
    p90: 222208,
    p99: 1073152,
  });
  assert.throws(() => parseFioJson('fio: failed to open /x: Permission denied\n'), /no valid JSON/);
  assert.throws(() => parseFioJson('{"jobs":[{"error":5}]}'), /error 5/);
  assert.throws(() => parseFioJson('{"jobs":[{"error":0,"sync":{"lat_ns":{"min":0}}}]}'), /no sync.lat_ns.percentile/);
  assert.throws(() => parseFioJson('{"jobs":[{"error":0,"sync":{"lat_ns":{"percentile":{"50.000000":1}}}}]}'), /percentile 90/);
});

test('fio missing: a failure saying how to install it for the distribution', async () => {
  assert.match(fioInstallHint('ubuntu'), /apt-get install -y fio/);
  assert.match(fioInstallHint('rocky'), /dnf install -y fio/);
  const { root, cleanup } = makeRoot({});
  try {
    await assert.rejects(runFio({ root, run: async () => '' }, '/var/lib/etcd', 'debian'), /fio is not installed: install it with `apt-get install -y fio`/);
  } finally {
    cleanup();
  }
});

test('fio: exact command in a fresh scratch directory, removed even when fio fails; DIR made and unmade', async () => {
  const { root, cleanup } = makeRoot({ '/usr/bin/fio': { exec: '' }, '/var/lib': { dir: true } });
  let seen: { file: string; args: readonly string[]; cwd?: string } | undefined;
  const ok: ProbeContext = {
    root,
    run: async (file, args, opts) => {
      seen = { file, args, cwd: opts?.cwd };
      assert.ok(opts?.cwd && existsSync(opts.cwd), 'the scratch directory exists while fio runs');
      return fixture('fio-3.33.json');
    },
  };
  try {
    const f = await runFio(ok, '/var/lib/etcd', 'debian', () => 42);
    assert.deepEqual(f, { directory: '/var/lib/etcd', syncLatencyNs: { p50: 128512, p90: 222208, p99: 1073152 }, ranAtMs: 42 });
    const scratch = seen!.cwd!;
    assert.equal(path.dirname(scratch), path.join(root, '/var/lib/etcd'));
    assert.deepEqual(seen!.args, [
      '--rw=write',
      '--ioengine=sync',
      '--fdatasync=1',
      `--directory=${scratch}`,
      '--size=22m',
      '--bs=2300',
      '--name=kk-etcd-probe',
      '--output-format=json',
    ]);
    assert.equal(seen!.file, '/usr/bin/fio');
    // /var/lib/etcd did not exist: the probe made it and removed it again.
    assert.deepEqual(readdirSync(path.join(root, '/var/lib')), []);

    const failing: ProbeContext = {
      root,
      run: async () => {
        throw new ProbeFailure('`fio` exited with 1: bad');
      },
    };
    await assert.rejects(runFio(failing, '/var/lib', 'debian'), /exited with 1/);
    assert.deepEqual(readdirSync(path.join(root, '/var/lib')), []);
  } finally {
    cleanup();
  }
});

test('fio: a real run on this host gives figures and leaves nothing behind', { timeout: 300_000 }, async (t) => {
  if (!(await findBinary(hostContext, 'fio'))) {
    t.skip('fio is not installed on this host');
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'kk-fio-live-'));
  try {
    const f = await runFio(hostContext, dir, null);
    assert.equal(f.directory, dir);
    const { p50, p90, p99 } = f.syncLatencyNs;
    assert.ok(p50 > 0 && p50 <= p90 && p90 <= p99, `ordered percentiles: ${p50} ${p90} ${p99}`);
    assert.deepEqual(readdirSync(dir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
