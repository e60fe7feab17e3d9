import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UserError } from '../../../shared/errors';
import { runPipeline } from '../../../coordinator/phases/manager';
import { RunStore, runStatus } from '../../../coordinator/runs/store';
import { harness, logScript, model, scriptsDir } from './helpers';

const order = (h: ReturnType<typeof harness>, node: string): string[] => {
  const f = h.nodes.file(node, '/etc/kubekey/scripts/order.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n') : [];
};

function hooksModel(extra = '') {
  const dir = scriptsDir({
    'pre_install.sh': logScript('global'),
    'etcd/pre_install.sh': logScript('group-etcd'),
    'kube_worker/pre_install.sh': logScript('group-worker'),
    'pre_install_node2.sh': logScript('host'),
    'post_install.sh': logScript('post-global'),
  });
  return { dir, m: model(`  scripts_dir: ${dir}\n  pre_install_groups: [kube_worker, etcd]\n${extra}`) };
}

test('create cluster runs pre_hook → precheck → init → install → post_hook and records every step', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  let precheckSawPreHook = false;
  const deps = h.pipeline.deps;
  deps.runPrecheck = async () => {
    // precheck comes after every pre_hook script and before any post_hook one
    precheckSawPreHook = order(h, 'node2').length === 4 && !order(h, 'node1').some((l) => l.startsWith('post'));
    return { failed: 0, report: null };
  };
  const r = await runPipeline(h.pipeline, { command: ['create', 'cluster'] });
  assert.equal(r.status, 'ok');
  assert.ok(precheckSawPreHook);
  // a host in two groups runs both group scripts in pre_install_groups order (worker before etcd)
  assert.deepEqual(order(h, 'node2'), [
    'global node2 pre_hook',
    'group-worker node2 pre_hook',
    'group-etcd node2 pre_hook',
    'host node2 pre_hook',
    'post-global node2 post_hook',
  ]);
  assert.deepEqual(order(h, 'node1'), ['global node1 pre_hook', 'group-etcd node1 pre_hook', 'post-global node1 post_hook']);
  assert.deepEqual(order(h, 'node3'), ['global node3 pre_hook', 'group-worker node3 pre_hook', 'post-global node3 post_hook']);
  // copied 0755 under /etc/kubekey/scripts
  assert.equal(statSync(h.nodes.file('node2', '/etc/kubekey/scripts/pre_install_group_etcd.sh')).mode & 0o777, 0o755);

  const run = new RunStore(h.dataDir).load(r.runId!);
  assert.equal(run.status, 'ok');
  assert.deepEqual(
    run.phaseRecords.map((p) => [p.name, p.status]),
    [
      ['pre_hook', 'ok'],
      ['precheck', 'ok'],
      ['init', 'ok'],
      ['install', 'ok'],
      ['post_hook', 'ok'],
    ],
  );
  const pre = run.phaseRecords[0]!;
  const t = pre.tasks.find((x) => x.host === 'node2' && x.task === 'pre_install_node2.sh')!;
  assert.equal(t.status, 'ok');
  assert.equal(t.exitCode, 0);
  assert.ok(t.commandId && t.commandIds.length === 1);
  assert.ok(t.commandId.startsWith(run.id));
  // every command id is distinct
  const ids = run.phaseRecords.flatMap((p) => p.tasks.flatMap((x) => x.commandIds));
  assert.equal(new Set(ids).size, ids.length);
  // init generates the certificates on the coordinator: root, kubernetes, front-proxy, etcd-node1, etcd-node2, etcd-client
  assert.match(h.text(), /\[@coordinator\] init: generate certificates ok \(\d+\.\ds\): 6 generated, 0 kept/);
  const init = run.phaseRecords.find((p) => p.name === 'init')!;
  assert.deepEqual(
    init.tasks.map((x) => [x.task, x.host, x.status]),
    [
      ['generate certificates', '@coordinator', 'ok'],
      ['download artifacts', '@coordinator', 'ok'],
    ],
  );
  assert.match(h.text(), /\[node2\] pre_hook: pre_install_node2\.sh ok \(\d+\.\ds\)/);
});

test('post_hook backs up an existing kubeadm-config.yaml on control-plane hosts only (dir 0700, file 0600)', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  h.nodes.put('node1', '/etc/kubernetes/kubeadm-config.yaml', 'kind: ClusterConfiguration\n');
  h.nodes.put('node2', '/etc/kubernetes/kubeadm-config.yaml', 'worker copy\n');
  const r = await runPipeline(h.pipeline, { command: ['create', 'cluster'], phases: ['post_hook'] });
  assert.equal(r.status, 'ok');
  const run = new RunStore(h.dataDir).load(r.runId!);
  const stamp = run.params['post_hook.kubeadm_backup_stamp']!;
  assert.match(stamp, /^\d{8}-\d{6}$/);
  const dir = h.nodes.file('node1', '/etc/kubekey/backup/kubernetes');
  const file = path.join(dir, `kubeadm-config-${stamp}.yaml`);
  assert.equal(readFileSync(file, 'utf8'), 'kind: ClusterConfiguration\n');
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(existsSync(h.nodes.file('node2', '/etc/kubekey/backup/kubernetes')), false, 'node2 is not a control-plane host');
  // backup runs before the post_install scripts
  const node1 = run.phaseRecords[0]!.tasks.filter((t) => t.host === 'node1').map((t) => t.task);
  assert.equal(node1[0], 'backup kubeadm-config');
});

test('post_hook without kubeadm-config.yaml on the node succeeds and writes nothing', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  const r = await runPipeline(h.pipeline, { command: ['x'], phases: ['post_hook'] });
  assert.equal(r.status, 'ok');
  assert.equal(existsSync(h.nodes.file('node1', '/etc/kubekey/backup/kubernetes')), false);
});

test('--phases and --skip-phases select phases; the pipeline order wins; unknown names are refused', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  const r = await runPipeline(h.pipeline, { command: ['x'], phases: ['precheck', 'pre_hook'] });
  const run = h.store.load(r.runId!);
  assert.deepEqual(
    run.phaseRecords.map((p) => p.name),
    ['pre_hook', 'precheck'],
  );
  assert.equal(h.prechecks, 1);
  assert.ok(!order(h, 'node1').some((l) => l.startsWith('post')));

  const h2 = harness(m);
  const r2 = await runPipeline(h2.pipeline, { command: ['x'], skipPhases: ['precheck', 'post_hook'] });
  assert.deepEqual(
    h2.store.load(r2.runId!).phaseRecords.map((p) => p.name),
    ['pre_hook', 'init', 'install'],
  );
  assert.equal(h2.prechecks, 0);

  await assert.rejects(
    runPipeline(h.pipeline, { command: ['x'], phases: ['prehook'] }),
    (e: unknown) => e instanceof UserError && /unknown phase "prehook"/.test(e.message),
  );
  await assert.rejects(runPipeline(h.pipeline, { command: ['x'], phases: ['init'], skipPhases: ['init'] }), UserError);
});

test('a failing script stops the run before the next phase, naming the script, exit code and output tail', async () => {
  const dir = scriptsDir({
    'pre_install.sh': logScript('global'),
    'etcd/pre_install.sh': logScript('group-etcd', 'echo "disk not ready" >&2\nexit 3\n'),
    'pre_install_node2.sh': logScript('host'),
  });
  const m = model(`  scripts_dir: ${dir}\n  pre_install_groups: [etcd]\n`);
  const h = harness(m);
  const r = await runPipeline(h.pipeline, { command: ['x'] });
  assert.equal(r.status, 'failed');
  assert.equal(r.failedPhase, 'pre_hook');
  assert.match(r.message!, /\[node1\] pre_install_group_etcd\.sh exited with code 3/);
  assert.match(r.message!, /disk not ready/);
  assert.equal(h.prechecks, 0, 'precheck must not run after a failed pre_hook');
  // node2 stopped at its failing group script, so its host script did not run; node3 finished
  assert.deepEqual(order(h, 'node2'), ['global node2 pre_hook', 'group-etcd node2 pre_hook']);
  assert.deepEqual(order(h, 'node3'), ['global node3 pre_hook']);
  const run = h.store.load(r.runId!);
  assert.equal(run.status, 'failed');
  assert.deepEqual(
    run.phaseRecords.map((p) => p.status),
    ['failed', 'pending', 'pending', 'pending', 'pending'],
  );
  const failed = run.phaseRecords[0]!.tasks.find((t) => t.host === 'node1' && t.task === 'pre_install_group_etcd.sh')!;
  assert.equal(failed.exitCode, 3);
  assert.match(failed.outputTail!, /disk not ready/);
  // output streamed to the operator prefixed by host, and kept in the run log
  assert.match(h.text(), /^\[node1\] disk not ready$/m);
  assert.match(h.store.readLog(r.runId!, 'node1'), /\[pre_hook pre_install_group_etcd\.sh stderr\] disk not ready/);
  assert.match(h.text(), new RegExp(`--resume ${r.runId}`));
});

test('--resume after fixing the script completes without re-running what succeeded', async () => {
  const dir = scriptsDir({
    'pre_install.sh': logScript('global'),
    'etcd/pre_install.sh': logScript('group-etcd', 'exit 3\n'),
  });
  const m = model(`  scripts_dir: ${dir}\n  pre_install_groups: [etcd]\n`);
  const h = harness(m);
  const first = await runPipeline(h.pipeline, { command: ['x'] });
  assert.equal(first.status, 'failed');
  const before = h.store.load(first.runId!);
  const failedId = before.phaseRecords[0]!.tasks.find((t) => t.host === 'node1' && t.task === 'pre_install_group_etcd.sh')!.commandId!;
  const globalIds = before.phaseRecords[0]!.tasks.filter((t) => t.task === 'pre_install.sh').map((t) => t.commandId);
  const callsBefore = h.nodes.calls.length;

  writeFileSync(path.join(dir, 'etcd/pre_install.sh'), logScript('group-etcd-fixed'));
  const second = await runPipeline(h.pipeline, { command: ['x'], resume: first.runId! });
  assert.equal(second.status, 'ok');
  assert.equal(second.runId, first.runId);
  // the global script ran once per host in total
  for (const n of ['node1', 'node2', 'node3']) assert.equal(order(h, n).filter((l) => l.startsWith('global')).length, 1, n);
  assert.deepEqual(order(h, 'node1'), ['global node1 pre_hook', 'group-etcd node1 pre_hook', 'group-etcd-fixed node1 pre_hook']);
  const resumedCalls = h.nodes.calls.slice(callsBefore);
  // nothing recorded ok was sent again, except the edited script's copy
  assert.ok(!resumedCalls.some((c) => globalIds.includes(c.id)));
  assert.deepEqual([...new Set(resumedCalls.filter((c) => 'writeFile' in c.spec && c.id.includes('-pre_hook-')).map((c) => c.node))].sort(), [
    'node1',
    'node2',
  ]);
  // the failed script ran again under a new id (its old id's result is journaled as a failure)
  const after = h.store.load(first.runId!);
  const t = after.phaseRecords[0]!.tasks.find((x) => x.host === 'node1' && x.task === 'pre_install_group_etcd.sh')!;
  assert.equal(t.status, 'ok');
  assert.equal(t.attempt, 2);
  assert.notEqual(t.commandId, failedId);
  assert.deepEqual(t.commandIds, [failedId, t.commandId]);
  assert.equal(after.attempts.length, 2);
  assert.equal(h.prechecks, 1);
  await assert.rejects(runPipeline(h.pipeline, { command: ['x'], resume: first.runId! }), /already finished ok/);
});

test('--resume of an interrupted run re-sends the in-flight command with the same id; the agent journal answers', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  // The coordinator "dies" right after node2's host script ran on the node.
  h.nodes.crashAfter = (node, id) => node === 'node2' && id.includes('-pre_hook-pre_install_node2_sh-');
  const first = await runPipeline(h.pipeline, { command: ['x'] });
  assert.equal(first.status, 'failed');
  const rec = h.store.load(first.runId!);
  const inflight = rec.phaseRecords[0]!.tasks.find((t) => t.host === 'node2' && t.task === 'pre_install_node2.sh')!;
  assert.equal(inflight.status, 'running');
  // Make the record look like the process was killed: still "running", owner gone.
  const file = path.join(h.store.dir, `${first.runId}.json`);
  const raw = JSON.parse(readFileSync(file, 'utf8'));
  raw.status = 'running';
  delete raw.finishedAt;
  raw.owner = { ...raw.owner, pid: 2 ** 22 + 7, startTicks: '1' };
  writeFileSync(file, JSON.stringify(raw));
  const other = new RunStore(h.dataDir);
  assert.equal(runStatus(other.load(first.runId!)), 'interrupted');

  h.nodes.crashAfter = null;
  const before = h.nodes.calls.length;
  const second = await runPipeline(h.pipeline, { command: ['x'], resume: first.runId! });
  assert.equal(second.status, 'ok');
  const resent = h.nodes.calls.slice(before).find((c) => c.id === inflight.commandId);
  assert.ok(resent, 'the interrupted command is re-sent under its id');
  assert.equal(resent.executed, false, 'answered from the journal, not run again');
  assert.equal(order(h, 'node2').filter((l) => l.startsWith('host')).length, 1);
  const t = h.store.load(first.runId!).phaseRecords[0]!.tasks.find((x) => x.host === 'node2' && x.task === 'pre_install_node2.sh')!;
  assert.equal(t.fromJournal, true);
  assert.equal(t.attempt, 1);
});

test("a stale script from an earlier run is not executed: only this run's copies run", async () => {
  const { m } = hooksModel();
  const h = harness(m);
  h.nodes.put('node3', '/etc/kubekey/scripts/pre_install_group_old.sh', logScript('stale'), 0o755);
  h.nodes.put('node3', '/etc/kubekey/scripts/pre_install_node3.sh', logScript('stale-host'), 0o755);
  await runPipeline(h.pipeline, { command: ['x'], phases: ['pre_hook'] });
  assert.deepEqual(order(h, 'node3'), ['global node3 pre_hook', 'group-worker node3 pre_hook']);
});

test('precheck failures stop the run unless ignored', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  h.precheckFailed = 2;
  const r = await runPipeline(h.pipeline, { command: ['x'], skipPhases: ['pre_hook'] });
  assert.equal(r.status, 'failed');
  assert.equal(r.failedPhase, 'precheck');
  assert.match(r.message!, /2 check\(s\) failed/);
  assert.equal(h.nodes.calls.length, 0);
  const h2 = harness(m);
  h2.precheckFailed = 2;
  const r2 = await runPipeline(h2.pipeline, { command: ['x'], skipPhases: ['pre_hook'], ignorePrecheckFailures: true });
  assert.equal(r2.status, 'ok');
  assert.ok(h2.nodes.executed().length > 0, 'post_hook ran');
});

test('--dry-run prints per phase and host the commands, sends nothing and records no run', async () => {
  const { m, dir } = hooksModel();
  const h = harness(m);
  const r = await runPipeline(h.pipeline, { command: ['x'], dryRun: true });
  assert.equal(r.status, 'planned');
  assert.equal(r.runId, null);
  assert.equal(h.nodes.calls.length, 0);
  assert.equal(h.prechecks, 0);
  assert.deepEqual(h.store.list(), []);
  const text = h.text();
  assert.match(text, /pre_hook — /);
  assert.match(text, new RegExp(`copy pre_install\\.sh: write /etc/kubekey/scripts/pre_install\\.sh \\(0755 root:root\\) from ${dir}/pre_install\\.sh`));
  assert.match(
    text,
    /pre_install_node2\.sh: run \/bin\/bash \/etc\/kubekey\/scripts\/pre_install_node2\.sh in \/etc\/kubekey\/scripts with KK_INVENTORY_HOSTNAME=node2 KK_GROUPS=[^ ]*etcd[^ ]* KK_PHASE=pre_hook/,
  );
  assert.match(text, /generate certificates: generate or check the cluster certificates in \S+\/pki \(on the coordinator\)/);
  assert.match(text, /backup kubeadm-config: back up \/etc\/kubernetes\/kubeadm-config\.yaml/);
  // phases appear in pipeline order
  const at = (s: string) => text.indexOf(s);
  assert.ok(at('pre_hook —') < at('precheck —') && at('precheck —') < at('init —') && at('install —') < at('post_hook —'));
});

test('cancelling marks the run cancelled and sends nothing further', async () => {
  const { m } = hooksModel();
  const h = harness(m);
  const ac = new AbortController();
  ac.abort();
  const r = await runPipeline(h.pipeline, { command: ['x'], signal: ac.signal });
  assert.equal(r.status, 'cancelled');
  assert.equal(h.nodes.executed().length, 0);
  assert.equal(h.store.load(r.runId!).status, 'cancelled');
});
