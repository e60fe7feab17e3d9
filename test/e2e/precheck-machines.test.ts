// Live precheck against three systemd machines joined with the one-liner: a clean run, then
// `--watch` following the operator as they break and fix nodes — each change asserted as the
// watch prints it. Everything is real: the agents' facts, their probes, the firewall, fio.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { COORDINATOR_BIN, eventually } from './lib/coordinator';
import { testbedAvailable, testbedDown, execIn, installDebs } from './lib/testbed';
import { joinedCluster, type JoinedCluster } from './lib/cluster';

interface JsonReport {
  summary: Record<string, number>;
  results: { id: string; host: string | null; status: string; message: string }[];
}

const avail = testbedAvailable();
let c: JoinedCluster;
let watch: ChildProcess | undefined;
let watchOut = '';

const sh = (node: string, script: string) => execIn(node, ['bash', '-c', script]);
const precheck = async (...extra: string[]) => {
  const r = await c.coord.cli(['precheck', '-i', c.inventory, '-c', c.config, '-o', 'json', ...extra]);
  return { code: r.code, report: JSON.parse(r.stdout || '{"summary":{},"results":[]}') as JsonReport, stderr: r.stderr };
};
const result = (rep: JsonReport, id: string, host: string | null) => rep.results.find((x) => x.id === id && x.host === host);
const seen = (line: string, timeoutMs = 90_000) =>
  eventually(async () => watchOut.includes(line), `watch printed "${line}"\n--- watch output so far ---\n${watchOut}`, timeoutMs);

describe('live precheck on three systemd machines', { skip: avail.ok ? false : avail.reason }, () => {
  before(async () => {
    c = await joinedCluster(3);
    // A clean baseline: forwarding on everywhere, as the install would leave it.
    for (const m of c.machines) await sh(m.name, 'sysctl -qw net.ipv4.ip_forward=1');
  });

  after(async () => {
    watch?.kill('SIGINT');
    await c?.coord.stop();
    c?.coord.cleanup();
    if (c) rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  });

  test('a clean live run: every host matched, fresh facts, reachability probed between the agents', async () => {
    const { code, report, stderr } = await precheck();
    assert.equal(
      code,
      0,
      `precheck failed:\n${JSON.stringify(
        report.results.filter((r) => r.status === 'fail'),
        null,
        1,
      )}\n${stderr}`,
    );
    for (const m of c.machines) {
      assert.equal(result(report, 'inventory.agent', m.name)?.status, 'pass');
      assert.equal(result(report, 'network.interface', m.name)?.status, 'pass');
      assert.equal(result(report, 'node.ports', m.name)?.status, 'pass');
    }
    const reach = result(report, 'cluster.reachability', null);
    assert.equal(reach?.status, 'pass');
    assert.match(reach?.message ?? '', /\d+ connections between the nodes succeeded/);
    // fio is not installed yet on the etcd host: a warning that says how to fix it.
    assert.equal(result(report, 'etcd.disk_io', 'node1')?.status, 'warn');
    assert.match(result(report, 'etcd.disk_io', 'node1')?.message ?? '', /fio is not installed/);
    assert.equal(report.summary.fail, 0);
  });

  test('--skip and --ignore-errors shape the live report; an unknown rule id is exit 2', async () => {
    const skipped = await precheck('--skip', 'etcd.disk_io,cluster');
    assert.equal(result(skipped.report, 'etcd.disk_io', 'node1')?.status, 'skip');
    assert.equal(result(skipped.report, 'cluster.reachability', null)?.status, 'skip');
    const bad = await c.coord.cli(['precheck', '-i', c.inventory, '-c', c.config, '--skip', 'no.such_rule']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no\.such_rule/);
  });

  test('--watch prints each change as the operator breaks and fixes the nodes', async () => {
    watch = spawn(COORDINATOR_BIN, ['precheck', '-i', c.inventory, '-c', c.config, '--watch', '--watch-interval', '2s', '--data-dir', c.coord.dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    watch.stdout?.on('data', (d: Buffer) => {
      watchOut += d.toString();
    });
    watch.stderr?.on('data', (d: Buffer) => {
      watchOut += d.toString();
    });
    await seen('precheck passed');

    // Something already listens on the API server port of the control plane.
    await sh('node1', 'systemd-run --unit kk-e2e-6443 python3 -m http.server 6443 --bind 0.0.0.0');
    await seen('node1 node.ports pass → fail');
    await sh('node1', 'systemctl stop kk-e2e-6443');
    await seen('node1 node.ports fail → pass');

    // Forwarding switched off on one node: a warning, not a failure (the install sets it).
    await sh('node2', 'sysctl -qw net.ipv4.ip_forward=0');
    await seen('node2 node.ip_forward pass → warn');

    // A firewall on node2 drops the kubelet port from node3 only.
    await sh('node2', 'iptables -I INPUT -p tcp --dport 10250 -s 10.213.0.13 -j DROP');
    await seen('- cluster.reachability pass → fail');

    // fio installed on the etcd host: the disk probe now gives figures.
    const inst = await installDebs('node1', ['fio']);
    assert.equal(inst.code, 0, inst.stderr);
    await eventually(async () => /node1 etcd\.disk_io warn → (pass|fail)/.test(watchOut), `etcd.disk_io leaves warn\n${watchOut}`, 180_000);
  });

  test('the one-shot report names the failing connection and gives the fio figures', async () => {
    // The watch holds probe listeners of its own every round; stop it so the two do not race.
    watch?.kill('SIGINT');
    await new Promise((r) => watch?.once('exit', r));
    const { code, report } = await precheck();
    assert.equal(code, 1);
    const reach = result(report, 'cluster.reachability', null);
    assert.equal(reach?.status, 'fail');
    assert.match(reach?.message ?? '', /node3 → node2:10250/);
    assert.doesNotMatch(reach?.message ?? '', /node1 → node2:10250/);
    const disk = result(report, 'etcd.disk_io', 'node1');
    assert.match(disk?.status ?? '', /^(pass|fail)$/);
    assert.match(disk?.message ?? '', /p99 [\d.]+ ?(µs|ms|ns)/);
    assert.match(disk?.message ?? '', /p90/);
    // Fixed again: the firewall rule removed, the report is clean of failures.
    await sh('node2', 'iptables -D INPUT -p tcp --dport 10250 -s 10.213.0.13 -j DROP');
    const again = await precheck();
    const fixed = result(again.report, 'cluster.reachability', null);
    assert.equal(fixed?.status, 'pass', fixed?.message);
  });
});
