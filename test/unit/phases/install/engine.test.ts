// The install phase's engine, with test steps and a scripted executor: step order, stages
// (parallel pool, serial, together), restart-only-when-changed, gates that fail the step naming
// the host, delegation, coordinator work, and --resume not redoing finished tasks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import pino from 'pino';
import { createClusterPipeline, runPipeline } from '../../../../coordinator/phases/manager';
import type { PipelineDeps } from '../../../../coordinator/phases/manager';
import { PlainProgress } from '../../../../coordinator/phases/progress';
import type { CommandOutcome, CommandSpec, HostExecutor, SendOptions } from '../../../../coordinator/phases/executor';
import type { InstallStep } from '../../../../coordinator/phases/install/step';
import { RunStore } from '../../../../coordinator/runs/store';
import { model, tempDir } from '../helpers';

interface Sent {
  host: string;
  id: string;
  spec: CommandSpec;
  at: number;
  done?: number;
}

/** Answers every command ok after `delayMs`; `changed` and failures are scripted per host and spec. */
class ScriptedNodes implements HostExecutor {
  readonly sent: Sent[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly answer: (host: string, spec: CommandSpec) => Partial<CommandOutcome> = () => ({}),
    private readonly delayMs = 5,
  ) {}
  async send(host: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome> {
    const s: Sent = { host, id: opts.id, spec, at: Date.now() };
    this.sent.push(s);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight--;
    s.done = Date.now();
    return {
      id: opts.id,
      node: host,
      status: 'ok',
      exitCode: 0,
      durationMs: this.delayMs,
      changed: true,
      stdoutTail: Buffer.alloc(0),
      stderrTail: Buffer.alloc(0),
      stdoutBytes: 0,
      stderrBytes: 0,
      fromJournal: false,
      ...this.answer(host, spec),
    };
  }
  texts(host?: string): string[] {
    return this.sent.filter((s) => !host || s.host === host).map((s) => JSON.stringify(s.spec));
  }
}

const INV = (n: number): string => `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
${Array.from({ length: n }, (_, i) => `    n${i + 1}: {internal_ipv4: 10.0.0.${i + 1}}`).join('\n')}
  groups:
    etcd: {hosts: [n1, n2, n3]}
`;

function pipeline(nodes: HostExecutor, steps: InstallStep[], n = 3, extra: Partial<PipelineDeps> = {}) {
  const out: string[] = [];
  const output = { write: (t: string) => void out.push(t), isTTY: false };
  const store = new RunStore(tempDir('kk-install-data-'));
  const p = createClusterPipeline({
    model: model('', INV(n)),
    executor: nodes,
    runStore: store,
    runPrecheck: async () => ({ failed: 0, report: null }),
    log: pino({ level: 'silent' }),
    output,
    progress: new PlainProgress(output),
    cwd: tempDir('kk-install-cwd-'),
    installSteps: steps,
    ...extra,
  });
  return { p, store, out };
}

const scriptOf = (spec: CommandSpec): string | undefined => ('exec' in spec ? spec.exec.script : undefined);
const echo = (text: string): CommandSpec => ({ exec: { script: `echo ${text}` } });
const all = (m: { hosts: { name: string }[] }): string[] => m.hosts.map((h) => h.name);

test("steps run in order; a step's hosts all finish before the next step starts", async () => {
  const nodes = new ScriptedNodes();
  const a: InstallStep = {
    name: 'a',
    title: 'A',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [{ task: 'one', spec: echo('a'), description: 'a' }],
  };
  const b: InstallStep = {
    name: 'b',
    title: 'B',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [{ task: 'one', spec: echo('b'), description: 'b' }],
  };
  const { p, store } = pipeline(nodes, [a, b]);
  const r = await runPipeline(p, { command: ['t'], phases: ['install'] });
  assert.equal(r.status, 'ok', r.message);
  const lastA = Math.max(...nodes.sent.filter((s) => scriptOf(s.spec) === 'echo a').map((s) => s.done!));
  const firstB = Math.min(...nodes.sent.filter((s) => scriptOf(s.spec) === 'echo b').map((s) => s.at));
  assert.ok(firstB >= lastA, 'b started after every a finished');
  const tasks = store.load(r.runId!).phaseRecords[0]!.tasks;
  assert.deepEqual(tasks.map((t) => [t.step, t.task, t.host]).sort(), [
    ['a', 'a: one', 'n1'],
    ['a', 'a: one', 'n2'],
    ['a', 'a: one', 'n3'],
    ['b', 'b: one', 'n1'],
    ['b', 'b: one', 'n2'],
    ['b', 'b: one', 'n3'],
  ]);
});

test('--max-parallel bounds a parallel step; serial runs one host at a time; together ignores the bound', async () => {
  for (const [mode, max, want] of [
    ['parallel', 2, 2],
    ['serial', 5, 1],
    ['together', 1, 6],
  ] as const) {
    const nodes = new ScriptedNodes(() => ({}), 20);
    const s: InstallStep = { name: 's', title: 'S', hosts: all, stage: () => ({ mode }), plan: () => [{ task: 'x', spec: echo('x'), description: 'x' }] };
    const { p } = pipeline(nodes, [s], 6, { maxParallel: max });
    assert.equal((await runPipeline(p, { command: ['t'], phases: ['install'] })).status, 'ok');
    assert.equal(nodes.maxInFlight, want, `${mode} with --max-parallel ${max}`);
  }
});

test('a restart is sent only when a task it depends on changed something', async () => {
  // n1's config write changes the node; n2's is already in place (the agent says unchanged).
  const nodes = new ScriptedNodes((host, spec) => ('writeFile' in spec && host === 'n2' ? { changed: false } : {}));
  const s: InstallStep = {
    name: 'svc',
    title: 'svc',
    hosts: (m) => all(m).slice(0, 2),
    stage: () => ({ mode: 'parallel' }),
    plan: () => [
      { task: 'write config', spec: { writeFile: { path: '/etc/x.conf', text: 'x', mode: 0o644 } }, description: 'config' },
      { task: 'restart', spec: { service: { unit: 'x.service', action: 'restart' } }, description: 'restart', onlyIfChanged: ['write config'] },
    ],
  };
  const { p, store } = pipeline(nodes, [s]);
  const r = await runPipeline(p, { command: ['t'], phases: ['install'] });
  assert.equal(r.status, 'ok');
  assert.equal(nodes.texts('n1').filter((t) => t.includes('restart')).length, 1);
  assert.equal(nodes.texts('n2').filter((t) => t.includes('restart')).length, 0, 'nothing changed on n2: no restart sent');
  const rec = store.load(r.runId!).phaseRecords[0]!.tasks.find((t) => t.host === 'n2' && t.task === 'svc: restart')!;
  assert.equal(rec.status, 'ok');
  assert.equal(rec.commandId, undefined, 'recorded without a command');
});

test('a failing gate fails the step, names the host and stops the run before the next step', async () => {
  const nodes = new ScriptedNodes((_h, spec) =>
    scriptOf(spec)?.includes('check') ? { status: 'failed', exitCode: 1, stderrTail: Buffer.from('unhealthy: n2 (10.0.0.2)\n') } : {},
  );
  const s: InstallStep = {
    name: 'db',
    title: 'db',
    hosts: all,
    stage: () => ({ mode: 'together' }),
    plan: () => [{ task: 'start', spec: echo('start'), description: 'start' }],
    gate: (_i, hosts) => ({ host: hosts[0]!, task: { task: 'health', spec: { exec: { script: 'check' } }, description: 'health' } }),
  };
  const after: InstallStep = {
    name: 'after',
    title: 'after',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [{ task: 'x', spec: echo('after'), description: 'x' }],
  };
  const { p } = pipeline(nodes, [s, after]);
  const r = await runPipeline(p, { command: ['t'], phases: ['install'] });
  assert.equal(r.status, 'failed');
  assert.match(r.message!, /step db: its check failed/);
  assert.match(r.message!, /\[n1\] db: health exited with code 1/);
  assert.match(r.message!, /unhealthy: n2 \(10\.0\.0\.2\)/);
  assert.ok(!nodes.texts().some((t) => t.includes('after')), 'the next step did not start');
});

test('a failed host names step, host and task; --resume redoes only what did not finish, and gates always', async () => {
  let broken = true;
  const nodes = new ScriptedNodes((host, spec) => (broken && host === 'n3' && scriptOf(spec) === 'echo two' ? { status: 'failed', exitCode: 2 } : {}));
  const s: InstallStep = {
    name: 'st',
    title: 'st',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [
      { task: 'one', spec: echo('one'), description: '1' },
      { task: 'two', spec: echo('two'), description: '2' },
    ],
    gate: (_i, hosts) => ({ host: hosts[0]!, task: { task: 'gate', spec: echo('gate'), description: 'g' } }),
  };
  const { p } = pipeline(nodes, [s]);
  const first = await runPipeline(p, { command: ['t'], phases: ['install'] });
  assert.equal(first.status, 'failed');
  assert.match(first.message!, /step st: install failed on n3:\n {2}\[n3\] st: two exited with code 2/);
  const before = nodes.sent.length;
  broken = false;
  const second = await runPipeline(p, { command: ['t'], resume: first.runId! });
  assert.equal(second.status, 'ok', second.message);
  const resent = nodes.sent.slice(before).map((s) => `${s.host}:${scriptOf(s.spec)}`);
  assert.deepEqual(resent.sort(), ['n1:echo gate', 'n3:echo two']);
});

test('delegated tasks go to the named host and are recorded under their own host; coordinator work runs after the hosts', async () => {
  const nodes = new ScriptedNodes();
  const ran: string[] = [];
  const s: InstallStep = {
    name: 'd',
    title: 'd',
    hosts: (m) => ['n3'].filter((h) => all(m).includes(h)),
    stage: () => ({ mode: 'serial' }),
    plan: () => [{ task: 'add member', spec: echo('add'), description: 'on n1', delegateTo: 'n1' }],
    coordinator: {
      task: 'push',
      description: 'push',
      applies: () => true,
      run: async () => {
        ran.push(`push after ${nodes.sent.length} command(s)`);
        return [true, 'pushed 0'];
      },
    },
  };
  const { p, store } = pipeline(nodes, [s]);
  const r = await runPipeline(p, { command: ['t'], phases: ['install'] });
  assert.equal(r.status, 'ok', r.message);
  assert.deepEqual(
    nodes.sent.map((x) => x.host),
    ['n1'],
  );
  assert.deepEqual(ran, ['push after 1 command(s)']);
  const tasks = store.load(r.runId!).phaseRecords[0]!.tasks;
  assert.ok(tasks.some((t) => t.host === 'n3' && t.task === 'd: add member' && t.status === 'ok'));
  assert.ok(tasks.some((t) => t.host === '@coordinator' && t.task === 'd: push' && t.outputTail === 'pushed 0'));
});

test("--dry-run lists every step's commands per host and sends nothing", async () => {
  const nodes = new ScriptedNodes();
  const s: InstallStep = {
    name: 'cfg',
    title: 'cfg',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: (_i, host) => [{ task: 'write', spec: { writeFile: { path: `/etc/${host}.conf`, text: host, mode: 0o600 } }, description: `/etc/${host}.conf` }],
  };
  const { p, out } = pipeline(nodes, [s]);
  const r = await runPipeline(p, { command: ['t'], phases: ['install'], dryRun: true });
  assert.equal(r.status, 'planned');
  assert.equal(nodes.sent.length, 0);
  const text = out.join('');
  for (const h of ['n1', 'n2', 'n3']) assert.match(text, new RegExp(`/etc/${h}\\.conf`));
});

test("--dry-run -o json: every task's command as data; file contents and stdin only as digests", async () => {
  const nodes = new ScriptedNodes();
  const secret = 'BEGIN PRIVATE KEY do-not-print';
  const s: InstallStep = {
    name: 'keys',
    title: 'keys',
    hosts: all,
    stage: () => ({ mode: 'parallel' }),
    plan: () => [
      { task: 'write key', spec: { writeFile: { path: '/etc/x.key', text: secret, mode: 0o600 } }, description: 'key' },
      { task: 'use key', spec: { exec: { script: 'cat > /etc/y', stdin: Buffer.from(secret) } }, description: 'stdin' },
    ],
  };
  const { p, out } = pipeline(nodes, [s]);
  await runPipeline(p, { command: ['t'], phases: ['install'], dryRun: true, planJson: true });
  const text = out.join('');
  assert.ok(!text.includes('do-not-print'), 'no secret in the plan');
  const plan = JSON.parse(text) as { phases: { tasks: { host: string; task: string; command: Record<string, unknown> }[] }[] };
  const t = plan.phases[0]!.tasks.find((x) => x.host === 'n2' && x.task === 'keys: write key')!;
  assert.deepEqual(t.command, {
    kind: 'writeFile',
    path: '/etc/x.key',
    mode: '0600',
    sha256: createHash('sha256').update(secret).digest('hex'),
    bytes: secret.length,
  });
  const u = plan.phases[0]!.tasks.find((x) => x.host === 'n2' && x.task === 'keys: use key')!;
  assert.equal(u.command.stdinSha256, createHash('sha256').update(secret).digest('hex'));
  assert.equal(u.command.script, 'cat > /etc/y');
});
