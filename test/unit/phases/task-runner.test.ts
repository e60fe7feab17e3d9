import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextAttempt } from '../../../coordinator/phases/task-runner';
import { runPipeline } from '../../../coordinator/phases/manager';
import type { TaskRecord } from '../../../coordinator/runs/types';
import { harness, model, scriptsDir } from './helpers';

const rec = (over: Partial<TaskRecord>): TaskRecord => ({
  phase: 'pre_hook',
  task: 't',
  host: 'h',
  status: 'failed',
  attempt: 1,
  commandIds: ['c1'],
  commandId: 'c1',
  digest: 'd',
  ...over,
});

test('which command id a resumed task uses', () => {
  assert.deepEqual(nextAttempt(undefined, 'd'), { attempt: 1, reuse: false });
  // may have reached the node: same id, so the journal answers instead of a second run
  assert.deepEqual(nextAttempt(rec({ status: 'running' }), 'd'), { attempt: 1, reuse: true });
  assert.deepEqual(nextAttempt(rec({ status: 'failed', outcome: 'unreachable' }), 'd'), { attempt: 1, reuse: true });
  // finished unsuccessfully on the node: its id would only repeat the journaled failure
  assert.deepEqual(nextAttempt(rec({ status: 'failed', outcome: 'failed' }), 'd'), { attempt: 2, reuse: false });
  assert.deepEqual(nextAttempt(rec({ status: 'failed', outcome: 'timeout', attempt: 4 }), 'd'), { attempt: 5, reuse: false });
  assert.deepEqual(nextAttempt(rec({ status: 'cancelled', outcome: 'cancelled' }), 'd'), { attempt: 2, reuse: false });
  // a changed payload under an old id would be refused as a replay
  assert.deepEqual(nextAttempt(rec({ status: 'running' }), 'other'), { attempt: 2, reuse: false });
});

test('multi-byte output split across chunks reaches the operator and the log intact', async () => {
  const dir = scriptsDir({ 'pre_install_node1.sh': 'printf "héllo ✓ wörld\\nzweite Zeile ü"\n' });
  const h = harness(model(`  scripts_dir: ${dir}\n`));
  const r = await runPipeline(h.pipeline, { command: ['x'], phases: ['pre_hook'] });
  assert.equal(r.status, 'ok');
  assert.match(h.text(), /^\[node1\] héllo ✓ wörld$/m);
  assert.match(h.text(), /^\[node1\] zweite Zeile ü$/m);
  const log = h.store.readLog(r.runId!, 'node1');
  assert.match(log, /\[pre_hook pre_install_node1\.sh\] héllo ✓ wörld\n/);
  assert.match(log, /\[pre_hook pre_install_node1\.sh\] zweite Zeile ü\n/);
});
