// Faults during a command: kill -9 of the agent process mid-command, then a restart (a defined
// outcome, nothing run twice, nothing left running), and a nats-server crash mid-command (the
// command completes and its result arrives).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { INTERRUPTED_REASON } from '../../../agent/commands/journal';
import { eventually, within } from '../nats/helpers';
import { processAlive } from '../../lib/procs';
import { agentProcess, inProcessAgent, setup, type Env } from './setup';

let env: Env;
const N = 'crashy';
const M = 'steady';
let agent: ChildProcess | undefined;

before(async () => {
  env = await setup('kk-cmd-faults-', [N, M]);
});

after(async () => {
  agent?.kill('SIGKILL');
  await env?.close();
});

test('kill -9 of the agent mid-command, then restart: failed with the documented reason, never run twice, leftovers killed', async () => {
  const dataDir = path.join(env.dir, 'agent-crashy');
  const counter = path.join(env.dir, 'kill9-counter');
  const finished = path.join(env.dir, 'kill9-finished');
  const pidFile = path.join(env.dir, 'kill9-sleep.pid');
  agent = await agentProcess(env, N, dataDir);
  const spec = { exec: { script: `echo run >> ${counter}; sleep 30 & echo $! > ${pidFile}; wait; touch ${finished}` } };
  const outcome = env.dispatcher.send(N, spec, { id: 'kill9-1', timeoutMs: 90_000 });
  await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '', 'the long command to start', 20_000);
  const sleepPid = Number(readFileSync(pidFile, 'utf8'));
  agent.kill('SIGKILL');
  await new Promise((r) => agent?.once('exit', r));
  // Without systemd to clean up the cgroup, the command's processes outlive the agent …
  assert.equal(processAlive(sleepPid), true);
  agent = await agentProcess(env, N, dataDir);
  // … until the restarted agent finds the interrupted journal entry and kills its process group.
  await eventually(() => !processAlive(sleepPid), 'the leftover process group to be killed');
  const o = await within(outcome, 60_000, 'outcome after the restart');
  assert.equal(o.status, 'failed');
  assert.equal(o.error, INTERRUPTED_REASON);
  assert.equal(o.fromJournal, true);
  // Asked again (a resumed run): the same answer from the journal, not a second run.
  const again = await env.dispatcher.send(N, spec, { id: 'kill9-1', timeoutMs: 30_000 });
  assert.equal(again.status, 'failed');
  assert.equal(again.fromJournal, true);
  assert.equal(readFileSync(counter, 'utf8'), 'run\n');
  assert.equal(existsSync(finished), false);
  // The restarted agent runs new commands normally.
  const next = await env.dispatcher.send(N, { exec: { script: `echo run >> ${counter}` } }, { id: 'kill9-2' });
  assert.equal(next.status, 'ok');
  assert.equal(readFileSync(counter, 'utf8'), 'run\nrun\n');
  agent.kill('SIGTERM');
});

test('a command received but never started (agent down when sent) runs once the agent is back', async () => {
  const dataDir = path.join(env.dir, 'agent-crashy');
  const counter = path.join(env.dir, 'late-counter');
  agent?.kill('SIGKILL');
  const outcome = env.dispatcher.send(N, { exec: { script: `echo run >> ${counter}` } }, { id: 'late-1', timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 1000));
  agent = await agentProcess(env, N, dataDir);
  const o = await within(outcome, 30_000, 'late outcome');
  assert.equal(o.status, 'ok');
  assert.equal(o.fromJournal, false);
  assert.equal(readFileSync(counter, 'utf8'), 'run\n');
});

test('nats-server killed mid-command: restarted by the supervisor, the command completes once', async () => {
  const a = await inProcessAgent(env, M);
  try {
    const counter = path.join(env.dir, 'nats-counter');
    const started = path.join(env.dir, 'nats-started');
    const p = env.dispatcher.send(
      M,
      { exec: { script: `echo run >> ${counter}; touch ${started}; sleep 3; echo finished` } },
      { id: 'nats-restart-1', timeoutMs: 90_000 },
    );
    await eventually(() => existsSync(started), 'the command to start');
    const restarted = new Promise((r) => env.sup.once('restarted', r));
    const pid = env.sup.pid;
    assert.ok(pid);
    process.kill(pid, 'SIGKILL');
    await within(restarted, 30_000, 'nats-server restart');
    const o = await within(p, 60_000, 'the command outcome');
    assert.equal(o.status, 'ok');
    assert.equal(o.stdoutTail.toString(), 'finished\n');
    assert.equal(readFileSync(counter, 'utf8'), 'run\n');
  } finally {
    await a.stop();
  }
});
