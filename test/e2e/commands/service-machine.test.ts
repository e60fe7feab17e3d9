// The systemd executor against a real systemd: inside a test machine (systemd-nspawn, systemd as
// PID 1), units are reloaded, started, stopped, enabled, and a failing unit is reported with its
// journal tail.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { build } from 'esbuild';
import { copyIn, execIn, testbedAvailable, testbedDown, testbedStatus, testbedUp } from '../lib/testbed';
import { makeTempDir } from '../nats/helpers';
import type { ExecutorOutcome } from '../../../agent/commands/types';

const available = testbedAvailable();
let node = 'node1';
let broughtUp = false;
let tmp: ReturnType<typeof makeTempDir>;

before(async () => {
  if (!available.ok) return;
  tmp = makeTempDir('kk-svc-');
  // Reuse machines another test left up; otherwise make one and remove it afterwards.
  const up = await testbedStatus().catch(() => []);
  if (up.length > 0 && up[0]) node = up[0].name;
  else {
    await testbedUp(1, { timeoutMs: 10 * 60_000 });
    broughtUp = true;
  }
  const bundle = path.join(tmp.dir, 'service-runner.cjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'service-runner.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile: bundle,
    logLevel: 'error',
  });
  await execIn(node, ['mkdir', '-p', '/opt/kk-svc-test']);
  await copyIn(node, process.execPath, '/opt/kk-svc-test/node');
  await copyIn(node, bundle, '/opt/kk-svc-test/service-runner.cjs');
  const unit = (body: string) => ({ input: body });
  await execIn(
    node,
    ['sh', '-c', 'cat > /etc/systemd/system/kk-good.service'],
    unit('[Unit]\nDescription=kk test good\n[Service]\nExecStart=/bin/sleep 600\n[Install]\nWantedBy=multi-user.target\n'),
  );
  await execIn(
    node,
    ['sh', '-c', 'cat > /etc/systemd/system/kk-bad.service'],
    unit("[Unit]\nDescription=kk test bad\n[Service]\nExecStart=/bin/sh -c 'echo kk-bad-boom; exit 3'\n"),
  );
});

after(async () => {
  if (!available.ok) return;
  await execIn(node, [
    'sh',
    '-c',
    'systemctl disable --now kk-good.service; rm -rf /etc/systemd/system/kk-good.service /etc/systemd/system/kk-bad.service /opt/kk-svc-test; systemctl daemon-reload',
  ]).catch(() => {});
  if (broughtUp) await testbedDown();
  tmp?.cleanup();
});

async function service(spec: Record<string, unknown>): Promise<{ outcome: ExecutorOutcome; stdout: string; stderr: string }> {
  const r = await execIn(node, ['/opt/kk-svc-test/node', '/opt/kk-svc-test/service-runner.cjs', JSON.stringify(spec)], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { outcome: ExecutorOutcome; stdout: string; stderr: string };
}

test(
  "daemon-reload, start (changed, then unchanged), status, enable, stop — against the machine's systemd",
  { skip: available.ok ? false : available.reason },
  async () => {
    assert.equal((await service({ action: 'daemon-reload' })).outcome.status, 'ok');
    const s1 = await service({ action: 'start', unit: 'kk-good.service' });
    assert.equal(s1.outcome.status, 'ok', s1.outcome.error);
    assert.equal(s1.outcome.changed, true);
    assert.equal(s1.outcome.data?.ActiveState, 'active');
    assert.equal((await execIn(node, ['systemctl', 'is-active', 'kk-good.service'])).stdout.trim(), 'active');
    assert.equal((await service({ action: 'start', unit: 'kk-good.service' })).outcome.changed, false);
    const st = await service({ action: 'status', unit: 'kk-good.service' });
    assert.equal(st.outcome.data?.SubState, 'running');
    const en = await service({ action: 'enable', unit: 'kk-good.service' });
    assert.equal(en.outcome.changed, true);
    assert.equal(en.outcome.data?.UnitFileState, 'enabled');
    assert.equal((await service({ action: 'enable', unit: 'kk-good.service' })).outcome.changed, false);
    const stop = await service({ action: 'stop', unit: 'kk-good.service' });
    assert.equal(stop.outcome.changed, true);
    assert.equal((await execIn(node, ['systemctl', 'is-active', 'kk-good.service'])).stdout.trim(), 'inactive');
  },
);

test('a unit that fails to start is reported failed with its journal tail', { skip: available.ok ? false : available.reason }, async () => {
  const r = await service({ action: 'start', unit: 'kk-bad.service', waitMs: 20_000 });
  assert.equal(r.outcome.status, 'failed');
  assert.match(r.outcome.error ?? '', /kk-bad\.service failed to start/);
  assert.match(r.outcome.data?.journal ?? '', /kk-bad-boom/);
  assert.match(r.stderr, /kk-bad-boom/);
  const missing = await service({ action: 'start', unit: 'kk-no-such.service' });
  assert.match(missing.outcome.error ?? '', /not found/);
});
