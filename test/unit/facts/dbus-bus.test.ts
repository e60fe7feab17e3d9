// The agent's D-Bus client against a real dbus-daemon on a private socket: the daemon's own
// properties, its errors, EXTERNAL authentication, one connection for many questions, real
// systemd-timedated started by the bus on demand, and systemd's unit properties served by a
// peer on that bus (systemd cannot be the service manager here: it is not PID 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getProperties, unitObjectPath, type PropertyQuery } from '../../../agent/facts/dbus-client';
import { readServices } from '../../../agent/facts/services';
import { ntpSynchronizedOverBus, readNtpSynchronized } from '../../../agent/facts/time';
import type { ProbeErrors } from '../../../agent/facts/probe';
import { connectPeer } from './bus-peer';
import { execStart } from './dbus-marshal';
import { requireProgram, startPrivateBus, type PrivateBus } from './private-bus';
import { context, makeRoot } from './helpers';

const BUSCTL = '/usr/bin/busctl';
const TIMEDATED = '/lib/systemd/systemd-timedated';
const DBUS = { destination: 'org.freedesktop.DBus', path: '/org/freedesktop/DBus', interface: 'org.freedesktop.DBus' };
const SYSTEMD = 'org.freedesktop.systemd1';
const TIMEDATE: PropertyQuery = {
  destination: 'org.freedesktop.timedate1',
  path: '/org/freedesktop/timedate1',
  interface: 'org.freedesktop.timedate1',
  property: 'NTPSynchronized',
};

/** A host root with systemd "running" and a real bus at its system bus socket, for one test. */
async function withBus(opts: Parameters<typeof startPrivateBus>[1], body: (root: string, bus: PrivateBus) => Promise<void>): Promise<void> {
  const { root, cleanup } = makeRoot({ '/run/systemd/system': { dir: true }, '/usr/local/bin/kubelet': { exec: '#!/bin/sh\n' } });
  try {
    const bus = await startPrivateBus(root, opts);
    try {
      await body(root, bus);
    } finally {
      await bus.stop();
    }
  } finally {
    cleanup();
  }
}

/** What busctl — systemd's own client, over the same bus — says a property is. */
async function busctlGet(bus: PrivateBus, q: PropertyQuery): Promise<unknown> {
  requireProgram(BUSCTL, 'systemd');
  const { stdout } = await promisify(execFile)(BUSCTL, [
    `--address=${bus.address}`,
    '--json=short',
    'get-property',
    q.destination,
    q.path,
    q.interface,
    q.property,
  ]);
  return (JSON.parse(stdout) as { data: unknown }).data;
}

test("the daemon's own properties, its errors, in order, over one connection", async () => {
  await withBus({}, async (root, bus) => {
    const features: PropertyQuery = { ...DBUS, property: 'Features' };
    const interfaces: PropertyQuery = { ...DBUS, property: 'Interfaces' };
    const before = await connectPeer(bus.socketPath);
    const results = await getProperties(context(root), [
      features,
      { ...DBUS, property: 'NoSuchProperty' },
      { destination: 'org.example.NotOnThisBus', path: '/x', interface: 'org.example.X', property: 'Y' },
      interfaces,
    ]);
    const after = await connectPeer(bus.socketPath);
    try {
      assert.deepEqual(results[0], { value: await busctlGet(bus, features) });
      assert.deepEqual(results[3], { value: await busctlGet(bus, interfaces) });
      assert.ok(
        Array.isArray((results[3] as { value: unknown }).value) && (results[3] as { value: string[] }).value.includes('org.freedesktop.DBus.Monitoring'),
      );
      assert.match((results[1] as { error: string }).error, /^org\.freedesktop\.DBus\.Error\.(UnknownProperty|InvalidArgs): .*NoSuchProperty/);
      assert.match((results[2] as { error: string }).error, /^org\.freedesktop\.DBus\.Error\.ServiceUnknown: .*org\.example\.NotOnThisBus/);
      // The bus numbers connections as they say Hello: exactly one came between the two peers.
      const serialOf = (unique: string) => Number(/^:1\.(\d+)$/.exec(unique)?.[1]);
      assert.equal(serialOf(after.uniqueName) - serialOf(before.uniqueName), 2, `${before.uniqueName} … ${after.uniqueName}`);
    } finally {
      await before.close();
      await after.close();
    }
  });
});

test('EXTERNAL authentication: the daemon accepts our uid; a bus without EXTERNAL sends us to the tool', async () => {
  await withBus({}, async (root) => {
    // An empty batch still authenticates and says Hello; a refusal would reject.
    assert.deepEqual(await getProperties(context(root), []), []);
  });
  await withBus({ auth: ['ANONYMOUS'] }, async (root) => {
    const calls: string[] = [];
    const errors: ProbeErrors = {};
    const script = { 'timedatectl show -p NTPSynchronized': 'NTPSynchronized=no\n' };
    assert.equal(await readNtpSynchronized(context(root, script, calls), errors), false);
    assert.deepEqual(calls, ['timedatectl show -p NTPSynchronized']);
    assert.deepEqual(errors, {});
    await assert.rejects(
      getProperties(context(root), []),
      (err: Error) => err.name === 'BusUnavailable' && /authentication refused \(REJECTED/.test(err.message),
    );
  });
});

test('NTPSynchronized from the real systemd-timedated, which the bus starts on demand', async () => {
  await withBus({ activatable: { 'org.freedesktop.timedate1': TIMEDATED } }, async (root, bus) => {
    const calls: string[] = [];
    const errors: ProbeErrors = {};
    const flag = await readNtpSynchronized(context(root, {}, calls), errors);
    assert.deepEqual(errors, {});
    assert.deepEqual(calls, [], 'timedatectl must not be run when the bus answers');
    assert.equal(typeof flag, 'boolean');
    assert.equal(flag, await busctlGet(bus, TIMEDATE));
    assert.equal(await ntpSynchronizedOverBus(context(root)), flag);
  });
});

test("timedated not on the bus: the flag is null with the bus's reason, no guess and no tool", async () => {
  await withBus({}, async (root) => {
    const calls: string[] = [];
    const errors: ProbeErrors = {};
    assert.equal(await readNtpSynchronized(context(root, {}, calls), errors), null);
    assert.match(
      errors['time.ntpSynchronized'] ?? '',
      /^timedated gave no NTPSynchronized: org\.freedesktop\.DBus\.Error\.ServiceUnknown: .*org\.freedesktop\.timedate1/,
    );
    assert.deepEqual(calls, []);
  });
});

test('services over the bus: states, ExecStart → version, not-found units; systemctl not run', async () => {
  await withBus({}, async (root, bus) => {
    const kubelet = unitObjectPath('kubelet.service');
    const etcd = unitObjectPath('etcd.service');
    const systemd = await connectPeer(bus.socketPath, {
      own: SYSTEMD,
      properties: {
        [`${kubelet} ${SYSTEMD}.Unit LoadState`]: { sig: 's', value: 'loaded' },
        [`${kubelet} ${SYSTEMD}.Unit ActiveState`]: { sig: 's', value: 'active' },
        [`${kubelet} ${SYSTEMD}.Service ExecStart`]: execStart('/usr/local/bin/kubelet'),
        [`${etcd} ${SYSTEMD}.Unit LoadState`]: { sig: 's', value: 'not-found' },
        [`${etcd} ${SYSTEMD}.Unit ActiveState`]: { sig: 's', value: 'inactive' },
        // A not-found unit has no Service interface: systemd answers ExecStart with an error.
      },
    });
    try {
      const calls: string[] = [];
      const errors: ProbeErrors = {};
      const s = await readServices(context(root, { '/usr/local/bin/kubelet --version': 'Kubernetes v1.33.1\n' }, calls), errors, ['kubelet', 'etcd']);
      assert.deepEqual(s, {
        kubelet: { loadState: 'loaded', activeState: 'active', version: '1.33.1' },
        etcd: { loadState: 'not-found', activeState: 'inactive', version: null },
      });
      assert.deepEqual(errors, {});
      assert.deepEqual(calls, ['/usr/local/bin/kubelet --version']);
      // Six Gets, all from one connection, each stamped by the bus with that connection's name.
      assert.equal(systemd.calls.length, 6);
      assert.equal(new Set(systemd.calls.map((c) => c.sender)).size, 1);
      assert.match(systemd.calls[0]!.sender, /^:1\.\d+$/);
      assert.ok(systemd.calls.every((c) => c.destination === SYSTEMD && c.interface === 'org.freedesktop.DBus.Properties' && c.member === 'Get'));
      assert.deepEqual(
        systemd.calls.map((c) => c.args[1]),
        ['LoadState', 'ActiveState', 'ExecStart', 'LoadState', 'ActiveState', 'ExecStart'],
      );
    } finally {
      await systemd.close();
    }
  });
});

test('services over the bus: systemd refusing a state, or absent from the bus, is a failure, not a guess', async () => {
  await withBus({}, async (root, bus) => {
    await assert.rejects(
      readServices(context(root), {}, ['kubelet']),
      /systemd gave no LoadState for kubelet\.service \(org\.freedesktop\.DBus\.Error\.ServiceUnknown: .*org\.freedesktop\.systemd1/,
    );
    const p = unitObjectPath('kubelet.service');
    const systemd = await connectPeer(bus.socketPath, {
      own: SYSTEMD,
      properties: {
        [`${p} ${SYSTEMD}.Unit LoadState`]: new Error('Access denied'),
        [`${p} ${SYSTEMD}.Unit ActiveState`]: { sig: 's', value: 'active' },
      },
    });
    try {
      await assert.rejects(
        readServices(context(root), {}, ['kubelet']),
        /systemd gave no LoadState for kubelet\.service \(org\.freedesktop\.DBus\.Error\.AccessDenied: Access denied\)/,
      );
    } finally {
      await systemd.close();
    }
  });
});
