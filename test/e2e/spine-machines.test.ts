// The spine on real machines: three systemd-nspawn Debian machines booted with systemd, the
// coordinator on this host, and in each machine the one-liner pasted as a user would — its own
// curl, its own sh, the agent installed as kk-agent.service.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { TestCoordinator, eventually } from './lib/coordinator';
import { testbedAvailable, testbedUp, testbedDown, execIn, hostBridgeIp, type Machine } from './lib/testbed';
import type { NodeInfo__Output } from '../../shared/proto/generated/kk/v1/NodeInfo';
import { SERVICES, type FactSet } from '../../shared/facts/types';

const avail = testbedAvailable();
let machines: Machine[] = [];
let coord: TestCoordinator;
let oneLiner = '';

const nodes = () => coord.json<NodeInfo__Output[]>(['nodes']);
const sh = async (m: string, script: string) => execIn(m, ['sh', '-c', script]);
const out = async (m: string, script: string) => {
  const r = await sh(m, script);
  assert.equal(r.code, 0, `${m}: ${script}: ${r.stderr}`);
  return r.stdout.trim();
};

describe('the spine on three systemd machines', { skip: avail.ok ? false : avail.reason }, () => {
  before(async () => {
    machines = await testbedUp(3);
    coord = new TestCoordinator({ listen: hostBridgeIp, advertise: hostBridgeIp });
    await coord.start();
    oneLiner = (await coord.token(['--ttl', '2h'])).oneLiner;
  });

  after(async () => {
    await coord?.stop();
    coord?.cleanup();
    await testbedDown();
  });

  test('a one-liner whose CA hash does not match stops before downloading anything', async () => {
    const forged = oneLiner.replace(/--token [0-9a-f]{64}::/, `--token ${'f'.repeat(64)}::`);
    const r = await sh('node1', forged);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /does not match the token's CA hash/);
    assert.equal((await sh('node1', 'test -e /opt/kubekey/agent/node || test -e /opt/kubekey/agent/kk-agent.cjs')).code, 1, 'nothing may be downloaded');
    assert.equal((await sh('node1', 'test -e /etc/systemd/system/kk-agent.service')).code, 1);
  });

  test('a one-liner with a wrong serving-key pin refuses to run the script at all', async () => {
    const wrongPin = oneLiner.replace(/sha256\/\/[A-Za-z0-9+/=]+/, 'sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    const r = await sh('node1', wrongPin);
    assert.notEqual(r.code, 0, 'the line itself must fail, without pipefail');
    assert.match(r.stderr, /public key does not match pinned public key/);
    assert.equal((await sh('node1', 'test -e /etc/kubekey/kk-agent.env')).code, 1);
  });

  test('the one-liner in each machine enrols it; nodes shows real hostnames, IPs, OS and kernel', async () => {
    await Promise.all(
      machines.map(async (m) => {
        const r = await sh(m.name, oneLiner);
        assert.equal(r.code, 0, `${m.name}: ${r.stderr}\n${r.stdout}`);
        assert.match(r.stdout, new RegExp(`enrolled as ${m.name}`));
      }),
    );
    const list = await eventually(async () => {
      const l = await nodes();
      return l.filter((n) => n.connected && n.kernel).length === 3 ? l : undefined;
    }, 'three connected nodes');
    for (const m of machines) {
      const n = list.find((x) => x.name === m.name);
      assert.ok(n, `${m.name} listed`);
      assert.equal(n.name, await out(m.name, 'hostname'));
      assert.ok(n.internalIps.includes(m.ip), `${m.name} IPs ${n.internalIps} include ${m.ip}`);
      assert.equal(n.kernel, await out(m.name, 'uname -r'));
      assert.equal(n.os, await out(m.name, '. /etc/os-release && echo "$PRETTY_NAME"'));
      assert.equal(n.arch, 'amd64');
      assert.equal(n.machineId, await out(m.name, 'cat /etc/machine-id'));
      assert.equal(await out(m.name, 'systemctl is-active kk-agent'), 'active');
      assert.equal(await out(m.name, 'stat -c %a /etc/kubekey/kk-agent.env'), '600');
    }
    const facts = await coord.json<FactSet>(['facts', 'node2']);
    assert.equal(facts.hostname, 'node2');
    assert.equal(facts.services?.['kk-agent'] ?? null, null);
    assert.equal(typeof facts.clockOffsetMs, 'number');
  });

  test('services and the NTP flag the agent read over D-Bus are what systemctl and timedatectl say', async () => {
    // One reported unit running, so the comparison is not only of absent units: a transient
    // etcd.service (no unit file left behind once stopped).
    await out('node2', 'systemd-run --quiet --unit=etcd --description="kk e2e stand-in" sleep 600');
    try {
      const facts = await eventually(async () => {
        const f = await coord.json<FactSet>(['facts', 'node2', '--refresh']);
        return f.services?.etcd?.activeState === 'active' ? f : undefined;
      }, 'node2 reporting the running etcd.service');
      assert.ok(facts.services, 'services reported (systemd runs in the machine)');
      assert.deepEqual(Object.keys(facts.services).sort(), [...SERVICES].sort());
      for (const name of SERVICES) {
        const shown = await out('node2', `systemctl show -p LoadState -p ActiveState ${name}.service`);
        const props = Object.fromEntries(shown.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
        assert.equal(facts.services[name]?.loadState, props.LoadState, `${name} LoadState`);
        assert.equal(facts.services[name]?.activeState, props.ActiveState, `${name} ActiveState`);
        // Not installed in the machine (etcd's stand-in runs sleep): no version to report.
        if ((await sh('node2', `command -v ${name}`)).code !== 0) assert.equal(facts.services[name]?.version, null, `${name} version`);
      }
      const ntp = await out('node2', 'timedatectl show -p NTPSynchronized --value');
      assert.match(ntp, /^(yes|no)$/);
      assert.equal(facts.time?.ntpSynchronized, ntp === 'yes');
      assert.deepEqual(
        Object.keys(facts.probeErrors).filter((k) => k.startsWith('services') || k.startsWith('time')),
        [],
      );
    } finally {
      await sh('node2', 'systemctl stop etcd.service');
    }
  });

  test('kill -9 of the agent: systemd restarts it and it keeps its identity', async () => {
    const before = (await nodes()).find((n) => n.name === 'node1');
    assert.ok(before);
    const pid = await out('node1', 'systemctl show -p MainPID --value kk-agent');
    assert.match(pid, /^[1-9]\d*$/);
    await out('node1', `kill -9 ${pid}`);
    await eventually(async () => {
      const now = await out('node1', 'systemctl show -p MainPID --value kk-agent');
      return now !== pid && now !== '0' && (await out('node1', 'systemctl is-active kk-agent || true')) === 'active';
    }, 'systemd restarted kk-agent');
    const after = await eventually(
      async () => (await nodes()).find((n) => n.name === 'node1' && n.connected && n.lastSeenMs > before.lastSeenMs),
      'node1 back',
    );
    assert.equal(after.certificateSerial, before.certificateSerial);
    assert.equal(after.machineId, before.machineId);
    assert.equal((await nodes()).length, 3);
  });

  test('re-running the one-liner is safe and keeps the identity', async () => {
    const before = (await nodes()).find((n) => n.name === 'node2');
    const r = await sh('node2', oneLiner);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /is up to date/);
    const after = await eventually(async () => (await nodes()).find((n) => n.name === 'node2' && n.connected), 'node2 connected');
    assert.equal(after.certificateSerial, before?.certificateSerial);
  });

  test('coordinator restart: agents reconnect by themselves', async () => {
    assert.equal(await coord.stop('SIGTERM'), 0);
    await eventually(
      async () => (await sh('node3', 'journalctl -u kk-agent --no-pager -o cat | grep -c "lost the coordinator" || true')).stdout.trim() !== '0',
      'node3 noticed the outage',
    );
    const restartedAt = Date.now();
    await coord.start();
    await eventually(
      async () => {
        const l = await nodes();
        return l.length === 3 && l.every((n) => n.connected && n.lastSeenMs >= restartedAt);
      },
      'all three reconnected',
      60_000,
    );
  });

  test('nats-server killed: the coordinator restarts it and every agent reconnects to NATS', async () => {
    const pid = coord.natsPid();
    assert.ok(pid);
    const mark = coord.log.length;
    const counts = async () =>
      Promise.all(
        machines.map(async (m) => Number((await sh(m.name, 'journalctl -u kk-agent --no-pager -o cat | grep -c "NATS reconnected" || true')).stdout.trim())),
      );
    const before = await counts();
    process.kill(pid, 'SIGKILL');
    await coord.waitForLog(/nats-server restarted/, 30_000, mark);
    await eventually(
      async () => {
        const now = await counts();
        return now.every((c, i) => c > (before[i] ?? 0));
      },
      'every agent reconnected to NATS',
      60_000,
    );
    const l = await nodes();
    assert.ok(l.every((n) => n.connected));
  });

  test('nodes remove: the removed node is refused and disappears; the others stay', async () => {
    const r = await coord.cli(['nodes', 'remove', 'node3']);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => {
      const l = await nodes();
      return !l.some((n) => n.name === 'node3') && l.filter((n) => n.connected).length === 2;
    }, 'node3 gone, two connected');
    // A removed node stays removed: its agent stops instead of enrolling again by itself.
    await eventually(async () => (await sh('node3', 'systemctl show -p ActiveState --value kk-agent')).stdout.trim() !== 'active', 'node3 agent stopped');
    assert.match((await sh('node3', 'journalctl -u kk-agent --no-pager -o cat')).stdout, /removed from the coordinator/);
    // Re-running the one-liner is the operator's way back.
    const again = await sh('node3', oneLiner);
    assert.equal(again.code, 0, again.stderr);
    await eventually(async () => (await nodes()).find((n) => n.name === 'node3' && n.connected), 'node3 re-enrolled', 60_000);
  });
});
