// The command runner and the guard every collector goes through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { guard, ProbeFailure, runCommand, type ProbeErrors } from '../../../agent/facts/probe';
import { CLEAN_PATH } from '../../../shared/facts/types';

test("commands run with the clean PATH and LC_ALL=C, whatever the agent's own environment", async () => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent/bin';
  try {
    const out = await runCommand('sh', ['-c', 'printf "%s|%s|%s" "$PATH" "$LC_ALL" "${HOME:-unset}"']);
    assert.equal(out, `${CLEAN_PATH}|C|unset`);
  } finally {
    process.env.PATH = saved;
  }
});

test('arguments are passed as argv, never through a shell', async () => {
  assert.equal(await runCommand('printf', ['%s', '$(echo injected); ls']), '$(echo injected); ls');
});

test('a missing command, a non-zero exit and a timeout are ProbeFailures that say so', async () => {
  await assert.rejects(
    runCommand('kk-no-such-command', []),
    (e: unknown) => e instanceof ProbeFailure && /kk-no-such-command not found on \/usr\/local\/sbin/.test(e.message),
  );
  await assert.rejects(runCommand('sh', ['-c', 'echo "it broke" >&2; exit 3']), /`sh -c .*` exited with 3: it broke/);
  await assert.rejects(runCommand('sleep', ['5'], { timeoutMs: 100 }), /`sleep 5` timed out after 100 ms/);
});

test('guard: a throwing probe becomes null plus its reason; a good one passes its value', async () => {
  const errors: ProbeErrors = {};
  assert.equal(
    await guard('cpu', errors, async () => {
      throw new ProbeFailure('/proc/cpuinfo: permission denied');
    }),
    null,
  );
  assert.equal(
    await guard('memory', errors, async () => {
      throw new TypeError('a bug');
    }),
    null,
  );
  assert.deepEqual(await guard('os', errors, async () => ({ id: 'debian' })), { id: 'debian' });
  assert.deepEqual(errors, { cpu: '/proc/cpuinfo: permission denied', memory: 'a bug' });
});
