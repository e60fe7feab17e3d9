import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runExec, execArgv } from '../../../agent/commands/exec';
import { CLEAN_PATH } from '../../../shared/facts/types';
import { eventually, processAlive, tempDir, testContext } from './helpers';

test('argv runs without a shell; output, exit code and clean environment', async () => {
  const ctx = testContext();
  const prev = process.env.PATH;
  process.env.PATH = '/nowhere';
  process.env.KK_LEAK_TEST = 'leaked';
  try {
    const r = await runExec({ argv: ['/usr/bin/env'], env: { EXTRA: 'x y' } }, ctx);
    assert.equal(r.status, 'ok');
    assert.equal(r.exitCode, 0);
    const env = ctx.text('stdout');
    assert.match(env, new RegExp(`^PATH=${CLEAN_PATH.replaceAll('/', '\\/')}$`, 'm'));
    assert.match(env, /^EXTRA=x y$/m);
    assert.doesNotMatch(env, /KK_LEAK_TEST/);
  } finally {
    process.env.PATH = prev;
    delete process.env.KK_LEAK_TEST;
  }
  const lit = testContext();
  assert.equal((await runExec({ argv: ['echo', '$HOME;', 'x'] }, lit)).status, 'ok');
  assert.equal(lit.text('stdout'), '$HOME; x\n');
});

test('a script runs with /bin/bash (not a login shell), stdin and cwd', async () => {
  const t = tempDir('kk-exec-');
  try {
    const ctx = testContext();
    const r = await runExec(
      {
        script: 'echo "$0 $BASH_VERSION" | cut -c1-7; shopt -q login_shell && echo login || echo nologin; pwd; cat; echo err >&2; exit 3',
        stdin: Buffer.from('from-stdin\n'),
        cwd: t.dir,
      },
      ctx,
    );
    assert.equal(r.status, 'failed');
    assert.equal(r.exitCode, 3);
    assert.equal(ctx.text('stdout'), `kk-exec\nnologin\n${t.dir}\nfrom-stdin\n`);
    assert.equal(ctx.text('stderr'), 'err\n');
    assert.deepEqual(execArgv({ script: 'x' }).slice(0, 4), ['/bin/bash', '--noprofile', '--norc', '-c']);
  } finally {
    t.cleanup();
  }
});

test('without stdin the command reads /dev/null: end of file at once', async () => {
  const ctx = testContext();
  const r = await runExec({ script: 'readlink /proc/self/fd/0; cat; echo "cat exited $?"' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(ctx.text('stdout'), '/dev/null\ncat exited 0\n');
  const piped = testContext();
  assert.equal((await runExec({ argv: ['/usr/bin/cat'], stdin: Buffer.from('given') }, piped)).status, 'ok');
  assert.equal(piped.text('stdout'), 'given');
});

test('timeout kills the whole process group, grandchildren included', async () => {
  const t = tempDir('kk-exec-');
  try {
    const pidFile = path.join(t.dir, 'grandchild.pid');
    const ctx = testContext();
    // The grandchild ignores SIGTERM and sits in the background: only a group SIGKILL stops it.
    const r = await runExec({ script: `(trap '' TERM; exec sleep 300) & echo $! > ${pidFile}; wait`, timeoutMs: 500 }, ctx);
    assert.equal(r.status, 'timeout');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(pid > 0);
    await eventually(() => !processAlive(pid), `grandchild ${pid} to be gone`);
  } finally {
    t.cleanup();
  }
});

test('cancel kills the group and reports cancelled', async () => {
  const t = tempDir('kk-exec-');
  try {
    const marker = path.join(t.dir, 'after');
    const ctx = testContext();
    const p = runExec({ script: `sleep 30; touch ${marker}` }, ctx);
    setTimeout(() => ctx.abort.abort(), 200);
    const r = await p;
    assert.equal(r.status, 'cancelled');
    assert.equal(existsSync(marker), false);
  } finally {
    t.cleanup();
  }
});

test('a background child holding stdout open does not hang the command', async () => {
  const ctx = testContext();
  const r = await runExec({ script: 'sleep 5 & echo started' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(ctx.text('stdout'), 'started\n');
});

test('bad input: both argv and script, a missing program', async () => {
  assert.match((await runExec({ argv: ['true'], script: 'true' }, testContext())).error ?? '', /not both/);
  const r = await runExec({ argv: ['/no/such/program'] }, testContext());
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /not found/);
});

test('unchangedExitCode: that exit means ok and nothing changed; 0 still means changed; others fail', async () => {
  const same = await runExec({ script: 'exit 80', unchangedExitCode: 80 }, testContext());
  assert.deepEqual([same.status, same.changed], ['ok', false]);
  const changed = await runExec({ script: 'exit 0', unchangedExitCode: 80 }, testContext());
  assert.deepEqual([changed.status, changed.changed], ['ok', true]);
  const bad = await runExec({ script: 'exit 81', unchangedExitCode: 80 }, testContext());
  assert.equal(bad.status, 'failed');
  const unset = await runExec({ script: 'exit 80' }, testContext());
  assert.equal(unset.status, 'failed', 'without unchangedExitCode every non-zero exit fails');
});
