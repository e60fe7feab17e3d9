// The systemd executor's command lines and its reading of systemctl's answers. Its real behaviour
// against systemd is covered end to end in a test machine (test/e2e/commands/service-machine.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { actionArgv, journalArgv, parseShow, runService, settledState, showArgv, validateService, type RunResult } from '../../../agent/commands/service';
import { testContext } from './helpers';

test('command lines: no shell, unit after --, journal tail with a line count', () => {
  assert.deepEqual(actionArgv('restart', 'containerd.service'), ['systemctl', 'restart', '--', 'containerd.service']);
  assert.deepEqual(actionArgv('daemon-reload', ''), ['systemctl', 'daemon-reload']);
  assert.deepEqual(showArgv('etcd.service').slice(0, 3), ['systemctl', 'show', '--no-pager']);
  assert.equal(showArgv('etcd.service').at(-1), 'etcd.service');
  assert.deepEqual(journalArgv('etcd.service', 20), ['journalctl', '--no-pager', '--output=short-iso', '--lines=20', '--unit=etcd.service']);
});

test('validation: actions, unit names, daemon-reload without a unit', () => {
  assert.match(validateService({ action: 'reboot', unit: 'x' }) as string, /action must be one of/);
  assert.match(validateService({ action: 'start', unit: '--now' }) as string, /invalid unit name/);
  assert.match(validateService({ action: 'start', unit: 'a b' }) as string, /invalid unit name/);
  assert.match(validateService({ action: 'daemon-reload', unit: 'x' }) as string, /takes no unit/);
  assert.deepEqual(validateService({ action: 'start', unit: 'getty@tty1.service' }), { action: 'start', unit: 'getty@tty1.service' });
});

test('parseShow and settledState read systemctl show output', () => {
  const s = parseShow('LoadState=loaded\nActiveState=activating\nSubState=start\nResult=success\nUnitFileState=enabled\nExecMainStatus=0\n');
  assert.equal(s.ActiveState, 'activating');
  assert.equal(settledState(s), 'pending');
  assert.equal(settledState({ ...s, ActiveState: 'active' }), 'active');
  assert.equal(settledState({ ...s, ActiveState: 'failed' }), 'failed');
  assert.equal(settledState({ ...s, ActiveState: 'inactive' }), 'active', 'a oneshot that finished well');
  assert.equal(settledState({ ...s, ActiveState: 'inactive', Result: 'exit-code', ExecMainStatus: '1' }), 'failed');
});

/** A systemd that answers from a script of states, recording every command line. */
function scripted(states: string[], actionResult: RunResult = { code: 0, stdout: '', stderr: '' }) {
  const calls: string[][] = [];
  let i = 0;
  const run = async (argv: string[]): Promise<RunResult> => {
    calls.push(argv);
    if (argv[1] === 'show') return { code: 0, stdout: states[Math.min(i++, states.length - 1)] ?? '', stderr: '' };
    if (argv[0] === 'journalctl') return { code: 0, stdout: 'Jan 01 unit[1]: boom\n', stderr: '' };
    return actionResult;
  };
  return { run, calls };
}

const show = (active: string, extra = '') =>
  `LoadState=loaded\nActiveState=${active}\nSubState=x\nResult=${active === 'failed' ? 'exit-code' : 'success'}\nUnitFileState=enabled\nExecMainStatus=0\n${extra}`;

test('start waits through activating until active; already active is unchanged', async () => {
  const a = scripted([show('inactive'), show('activating'), show('activating'), show('active')]);
  const r = await runService({ action: 'start', unit: 'x.service', waitMs: 10_000 }, testContext(), a.run);
  assert.equal(r.status, 'ok');
  assert.equal(r.changed, true);
  // before, three polls, and one more look after it turned active
  assert.equal(a.calls.filter((c) => c[1] === 'show').length, 5);
  const b = scripted([show('active')]);
  assert.equal((await runService({ action: 'start', unit: 'x.service' }, testContext(), b.run)).changed, false);
});

test('a unit that fails to start: failed with the journal tail in the output and the data', async () => {
  const a = scripted([show('inactive'), show('failed')], { code: 1, stdout: '', stderr: 'Job for x.service failed.\n' });
  const ctx = testContext();
  const r = await runService({ action: 'start', unit: 'x.service', journalLines: 7 }, ctx, a.run);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /x\.service failed to start \(ActiveState=failed, Result=exit-code\): Job for x\.service failed\./);
  assert.match(ctx.text('stderr'), /boom/);
  assert.match(r.data?.journal ?? '', /boom/);
  assert.ok(a.calls.some((c) => c.includes('--lines=7')));
});

test('a service that is active for a moment after the fork and then dies is a failure', async () => {
  const a = scripted([show('inactive'), show('active'), show('failed')]);
  const r = await runService({ action: 'start', unit: 'x.service' }, testContext(), a.run);
  assert.equal(r.status, 'failed');
  assert.match(r.error ?? '', /ActiveState=failed/);
});

test('enable reports changed from UnitFileState; unknown unit fails', async () => {
  const a = scripted([show('inactive').replace('UnitFileState=enabled', 'UnitFileState=disabled'), show('inactive')]);
  const r = await runService({ action: 'enable', unit: 'x.service' }, testContext(), a.run);
  assert.equal(r.changed, true);
  const nf = scripted(['LoadState=not-found\nActiveState=inactive\n']);
  assert.match((await runService({ action: 'start', unit: 'nope.service' }, testContext(), nf.run)).error ?? '', /not found/);
});
