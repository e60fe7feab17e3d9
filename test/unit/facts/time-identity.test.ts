import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNtpSynchronized, readTime } from '../../../agent/facts/time';
import { readHostname } from '../../../agent/facts/hostname';
import { readMachineId } from '../../../agent/facts/machine-id';
import { readProductUuid } from '../../../agent/facts/product-uuid';
import { ProbeFailure, type ProbeErrors } from '../../../agent/facts/probe';
import { context, makeRoot } from './helpers';

test('timedatectl show -p NTPSynchronized', () => {
  assert.equal(parseNtpSynchronized('NTPSynchronized=yes\n'), true);
  assert.equal(parseNtpSynchronized('NTPSynchronized=no\n'), false);
  assert.throws(() => parseNtpSynchronized('Failed to query server: Connection refused\n'), /not NTPSynchronized/);
});

test('time reader: clock always, NTP state from timedatectl under systemd', async () => {
  const { root, cleanup } = makeRoot({ '/run/systemd/system': { dir: true } });
  try {
    const errors: ProbeErrors = {};
    const t = await readTime(context(root, { 'timedatectl show -p NTPSynchronized': 'NTPSynchronized=yes\n' }), errors, () => 1764057600123);
    assert.deepEqual(t, { epochMs: 1764057600123, ntpSynchronized: true });
    assert.deepEqual(errors, {});
    const failed: ProbeErrors = {};
    const t2 = await readTime(context(root, { 'timedatectl show -p NTPSynchronized': new ProbeFailure('timedatectl exited with 1') }), failed, () => 5);
    assert.deepEqual(t2, { epochMs: 5, ntpSynchronized: null });
    assert.equal(failed['time.ntpSynchronized'], 'timedatectl exited with 1');
  } finally {
    cleanup();
  }
});

test('time reader: without systemd the NTP flag is unknown (null + reason), not false', async () => {
  const { root, cleanup } = makeRoot({});
  try {
    const errors: ProbeErrors = {};
    const t = await readTime(context(root), errors, () => 7);
    assert.deepEqual(t, { epochMs: 7, ntpSynchronized: null });
    assert.match(errors['time.ntpSynchronized'] ?? '', /systemd is not running/);
  } finally {
    cleanup();
  }
});

test('identity files: hostname, machine-id (with the D-Bus fallback), product_uuid', async () => {
  const a = makeRoot({
    '/proc/sys/kernel/hostname': 'node1\n',
    '/var/lib/dbus/machine-id': '0f1e2d3c4b5a69788796a5b4c3d2e1f0\n',
    '/sys/class/dmi/id/product_uuid': '4C4C4544-0042-3510-8052-B7C04F4E4432\n',
  });
  const b = makeRoot({ '/etc/machine-id': '\n', '/proc/sys/kernel/hostname': { dir: true } });
  try {
    assert.equal(await readHostname(context(a.root)), 'node1');
    assert.equal(await readMachineId(context(a.root)), '0f1e2d3c4b5a69788796a5b4c3d2e1f0');
    assert.equal(await readProductUuid(context(a.root)), '4C4C4544-0042-3510-8052-B7C04F4E4432');
    await assert.rejects(readMachineId(context(b.root)), /\/etc\/machine-id is empty/);
    await assert.rejects(readHostname(context(b.root)), /is a directory/);
    await assert.rejects(readProductUuid(context(b.root)), /product_uuid: no such file/);
  } finally {
    a.cleanup();
    b.cleanup();
  }
});
