import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../../shared/errors';
import { RunStore, runStatus } from '../../../coordinator/runs/store';
import { listRuns, runLogs, showRun } from '../../../coordinator/runs/format';
import { commandId, isRunId } from '../../../coordinator/runs/ids';
import { isValidSubjectToken } from '../../../shared/subjects';
import { processStartTicks } from '../../../coordinator/runs/owner';

const dataDir = (): string => mkdtempSync(path.join(tmpdir(), 'kk-runs-'));

function newRun(store: RunStore) {
  return store.create({
    command: ['create', 'cluster', '-i', 'inv.yaml'],
    inventory: '/x/inv.yaml',
    config: null,
    requested: { phases: ['pre_hook', 'precheck'], skipPhases: [] },
    phases: [
      { name: 'pre_hook', title: 'hooks' },
      { name: 'precheck', title: 'checks' },
    ],
  });
}

/** Rewrites a run file so that it is owned by `pid` (as if that process had created it). */
function setOwner(store: RunStore, id: string, pid: number): void {
  const file = path.join(store.dir, `${id}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.owner = { ...raw.owner, pid, startTicks: processStartTicks(pid) };
  writeFileSync(file, JSON.stringify(raw));
}

test('a run is a JSON file under <dataDir>/state/runs, rewritten atomically; task updates are written together, soon after', async () => {
  const dir = dataDir();
  const store = new RunStore(dir);
  const run = newRun(store);
  assert.ok(isRunId(run.id));
  const file = path.join(dir, 'state', 'runs', `${run.id}.json`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  for (let i = 0; i < 50; i++)
    store.updateTask(run.id, { phase: 'pre_hook', task: 'pre_install.sh', host: 'node1' }, { status: i % 2 ? 'ok' : 'running', commandId: `c${i}` });
  // Written on their own shortly after (not 50 times): another reader sees the last state.
  const reader = new RunStore(dir);
  for (let i = 0; i < 200 && reader.load(run.id).phaseRecords[0]!.tasks[0]?.commandId !== 'c49'; i++) await new Promise((r) => setTimeout(r, 50));
  // no temp files left behind
  assert.deepEqual(
    readdirSync(path.join(dir, 'state', 'runs')).filter((n) => n.includes('.tmp')),
    [],
  );
  const seen = reader.load(run.id);
  const t = seen.phaseRecords[0]!.tasks[0]!;
  assert.equal(t.status, 'ok');
  assert.equal(t.commandId, 'c49');
  assert.equal(t.commandIds.length, 50);
  assert.deepEqual(seen.requested, { phases: ['pre_hook', 'precheck'], skipPhases: [] });
  assert.equal(runStatus(seen), 'running', 'owned by this live process');
  // flush writes them at once.
  store.updateTask(run.id, { phase: 'pre_hook', task: 'pre_install.sh', host: 'node2' }, { status: 'ok', commandId: 'd1' });
  store.flush(run.id);
  assert.equal(new RunStore(dir).load(run.id).phaseRecords[0]!.tasks.find((x) => x.host === 'node2')?.commandId, 'd1');
});

test('a running run whose owner process is gone is interrupted, and can be resumed', async () => {
  const dir = dataDir();
  const store = new RunStore(dir);
  const run = newRun(store);
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
  await new Promise((r) => child.once('spawn', r));
  setOwner(store, run.id, child.pid!);
  const reader = new RunStore(dir);
  assert.equal(runStatus(reader.load(run.id)), 'running');
  assert.throws(
    () => reader.resume(run.id),
    (e: unknown) => e instanceof UserError && /still running \(process \d+/.test(e.message),
  );
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.equal(runStatus(reader.load(run.id)), 'interrupted');
  assert.equal(reader.list()[0]!.status, 'interrupted');
  const resumed = reader.resume(run.id);
  assert.equal(resumed.owner.pid, process.pid);
  assert.equal(resumed.attempts.length, 2);
  assert.equal(runStatus(new RunStore(dir).load(run.id)), 'running');
  reader.finish(run.id, 'ok');
  assert.throws(() => new RunStore(dir).resume(run.id), /already finished ok/);
});

test('a reused pid does not keep a dead run alive (start time must match)', () => {
  const dir = dataDir();
  const store = new RunStore(dir);
  const run = newRun(store);
  const file = path.join(store.dir, `${run.id}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.owner = { ...raw.owner, pid: 1, startTicks: 'not-the-start-of-pid-1' };
  writeFileSync(file, JSON.stringify(raw));
  assert.equal(runStatus(new RunStore(dir).load(run.id)), 'interrupted');
});

test('unknown or malformed run ids are clear errors', () => {
  const store = new RunStore(dataDir());
  assert.throws(
    () => store.load('20250101-000000-abcdef'),
    (e: unknown) => e instanceof UserError && /no run 20250101-000000-abcdef/.test(e.message),
  );
  assert.throws(
    () => store.load('../../etc/passwd'),
    (e: unknown) => e instanceof UserError && /invalid run id/.test(e.message),
  );
});

test('the per-host output log is bounded and keeps the latest output', () => {
  const dir = dataDir();
  const store = new RunStore(dir, { logLimitBytes: 64 * 1024 });
  const run = newRun(store);
  for (let i = 0; i < 5000; i++) store.appendOutput(run.id, 'node1', `${new Date(0).toISOString()} [pre_hook big.sh] line ${i} ${'x'.repeat(80)}\n`);
  const logDir = path.join(dir, 'state', 'runs', run.id);
  const total = readdirSync(logDir)
    .filter((n) => n.startsWith('node1.log'))
    .reduce((s, n) => s + statSync(path.join(logDir, n)).size, 0);
  assert.ok(total <= 64 * 1024, `log holds ${total} bytes`);
  const text = store.readLog(run.id, 'node1');
  assert.match(text, /earlier output dropped/);
  assert.match(text, /line 4999 x+\n$/);
  assert.doesNotMatch(text, /line 0 /);
});

test('runs / runs show / runs logs render what was recorded', () => {
  const dir = dataDir();
  const store = new RunStore(dir);
  const run = newRun(store);
  store.updateTask(run.id, { phase: 'pre_hook', task: 'pre_install.sh', host: 'node1' }, { status: 'ok', commandId: 'id-1', exitCode: 0, durationMs: 400 });
  store.updateTask(
    run.id,
    { phase: 'pre_hook', task: 'pre_install.sh', host: 'node2' },
    { status: 'failed', commandId: 'id-2', exitCode: 3, error: 'exited with code 3', outputTail: 'boom\n' },
  );
  store.updatePhase(run.id, 'pre_hook', { status: 'failed' });
  store.appendOutput(run.id, 'node2', '2025-01-01T00:00:02.000Z [pre_hook pre_install.sh] second\n');
  store.appendOutput(run.id, 'node1', '2025-01-01T00:00:01.000Z [pre_hook pre_install.sh] first\n');
  store.appendOutput(run.id, 'node1', '2025-01-01T00:00:03.000Z [pre_hook pre_install.sh] (output tail)\ncontinued\n');
  store.finish(run.id, 'failed', 'pre_hook failed on node2');

  const list = listRuns(new RunStore(dir));
  assert.match(list, new RegExp(`${run.id}\\s+failed\\s.*pre_hook\\s+create cluster -i inv\\.yaml`));
  const shown = showRun(new RunStore(dir), run.id);
  assert.match(shown, /status\s+failed — pre_hook failed on node2/);
  assert.match(shown, /node2\s+pre_install\.sh\s+failed\s+-\s+3\s+id-2/);
  assert.match(shown, /\[node2\] pre_install\.sh: exited with code 3\n\s+boom/);
  const all = runLogs(new RunStore(dir), run.id);
  assert.deepEqual(
    all
      .trim()
      .split('\n')
      .map((l) => l.replace(/ .*\] /, ' ')),
    ['[node1] first', '[node2] second', '[node1] (output tail)', '[node1] continued'],
  );
  assert.equal(runLogs(store, run.id, 'node2'), '2025-01-01T00:00:02.000Z [pre_hook pre_install.sh] second\n');
  assert.throws(() => runLogs(store, run.id, 'node9'), /no output from "node9"; hosts with output: node1, node2/);
});

test('command ids are single NATS tokens of at most 128 characters, stable and distinct', () => {
  const id = commandId('20250101-000000-abcdef', 'pre_hook', 'copy pre_install_group_kube_control_plane.sh', 'node1.example.com', 1);
  assert.ok(isValidSubjectToken(id), id);
  assert.equal(id, commandId('20250101-000000-abcdef', 'pre_hook', 'copy pre_install_group_kube_control_plane.sh', 'node1.example.com', 1));
  assert.notEqual(id, commandId('20250101-000000-abcdef', 'pre_hook', 'copy pre_install_group_kube_control_plane.sh', 'node1.example.com', 2));
  // names that slug alike still get distinct ids
  assert.notEqual(commandId('r', 'p', 'a.b', 'h', 1), commandId('r', 'p', 'a_b', 'h', 1));
  const long = commandId('20250101-000000-abcdef', 'post_hook', `x${'y'.repeat(300)}.sh`, `${'n'.repeat(60)}.example.com`, 12);
  assert.ok(isValidSubjectToken(long) && long.length <= 128, long);
  assert.ok(long.endsWith('-a12'));
});
