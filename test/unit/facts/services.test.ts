import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execStartPath, parseComponentVersion, parseSystemctlShow, readServices } from '../../../agent/facts/services';
import { findBinary, readBinaries } from '../../../agent/facts/binaries';
import { ProbeFailure, type ProbeErrors } from '../../../agent/facts/probe';
import { context, fixture, makeRoot } from './helpers';

const SHOW = 'systemctl show --no-pager -p Id,LoadState,ActiveState,ExecStart kubelet.service etcd.service containerd.service docker.service';

test('systemctl show: one block per unit, loaded and not-found', () => {
  const blocks = parseSystemctlShow(fixture('systemctl-show.txt'));
  assert.equal(blocks.length, 4);
  assert.deepEqual([blocks[0]?.Id, blocks[0]?.LoadState, blocks[0]?.ActiveState], ['kubelet.service', 'loaded', 'active']);
  assert.deepEqual([blocks[3]?.Id, blocks[3]?.LoadState, blocks[3]?.ActiveState], ['docker.service', 'not-found', 'inactive']);
  assert.equal(execStartPath(blocks[0]?.ExecStart), '/usr/local/bin/kubelet');
  assert.equal(execStartPath(blocks[3]?.ExecStart), null);
  assert.throws(() => parseSystemctlShow('System has not been booted with systemd\n'), /not KEY=VALUE/);
});

test('component versions without the leading v', () => {
  assert.equal(parseComponentVersion('Kubernetes v1.33.1\n'), '1.33.1');
  assert.equal(parseComponentVersion('etcd Version: 3.5.21\nGit SHA: a17edfd\nGo Version: go1.23.7\nGo OS/Arch: linux/amd64\n'), '3.5.21');
  assert.equal(parseComponentVersion('containerd containerd.io 1.7.13 7c3aca7a610df76212171d200ca3811ff6096eb8\n'), '1.7.13');
  assert.equal(parseComponentVersion('containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7193e4e490e9fbdc236c0e811ccaba3376\n'), '2.1.4');
  assert.equal(parseComponentVersion('Docker version 28.2.2, build e6534b4\n'), '28.2.2');
  assert.throws(() => parseComponentVersion('Segmentation fault\n'), /no version/);
});

test('binaries: searched on the clean PATH only, first match wins, non-executables skipped', async () => {
  const { root, cleanup } = makeRoot({
    '/usr/local/bin/iptables': { exec: '#!/bin/sh\n' },
    '/usr/sbin/iptables': { exec: '#!/bin/sh\n' },
    '/usr/bin/socat': 'not executable',
    '/bin/socat': { exec: '' },
    '/usr/bin/ethtool': { dir: true },
    '/opt/bin/conntrack': { exec: '' },
  });
  const saved = process.env.PATH;
  process.env.PATH = `${root}/opt/bin:${saved ?? ''}`;
  try {
    const errors: ProbeErrors = {};
    const b = await readBinaries(context(root), errors, ['iptables', 'socat', 'ethtool', 'conntrack']);
    assert.deepEqual(b, { iptables: '/usr/local/bin/iptables', socat: '/bin/socat', ethtool: null, conntrack: null });
    assert.deepEqual(errors, {});
  } finally {
    process.env.PATH = saved;
    cleanup();
  }
});

test('binaries: a PATH directory that cannot be searched is a per-binary probe error', async () => {
  // As root no permission can stop the search; a name the filesystem refuses stands in for an I/O error.
  const { root, cleanup } = makeRoot({ '/usr/local/sbin': { dir: true } });
  try {
    const errors: ProbeErrors = {};
    const long = 'x'.repeat(300);
    const b = await readBinaries(context(root), errors, [long]);
    assert.equal(b[long], null);
    assert.match(errors[`binaries.${long}`] ?? '', /name too long/i);
    assert.equal(await findBinary(context(root), 'ip'), null);
  } finally {
    cleanup();
  }
});

test("services: loaded and not-found units, versions from the unit's binary or the clean PATH", async () => {
  const { root, cleanup } = makeRoot({
    '/run/systemd/system': { dir: true },
    '/usr/local/bin/kubelet': { exec: '' },
    '/usr/local/bin/etcd': { exec: '' },
    '/usr/bin/containerd': { exec: '' },
  });
  try {
    const errors: ProbeErrors = {};
    const calls: string[] = [];
    const s = await readServices(
      context(
        root,
        {
          [SHOW]: fixture('systemctl-show.txt'),
          '/usr/local/bin/kubelet --version': 'Kubernetes v1.33.1\n',
          '/usr/local/bin/etcd --version': 'etcd Version: 3.5.21\nGit SHA: a17edfd\n',
          '/usr/bin/containerd --version': new ProbeFailure('`/usr/bin/containerd --version` exited with 2: panic'),
        },
        calls,
      ),
      errors,
    );
    assert.deepEqual(s, {
      kubelet: { loadState: 'loaded', activeState: 'active', version: '1.33.1' },
      etcd: { loadState: 'loaded', activeState: 'failed', version: '3.5.21' },
      containerd: { loadState: 'loaded', activeState: 'active', version: null },
      docker: { loadState: 'not-found', activeState: 'inactive', version: null },
    });
    assert.deepEqual(errors, { 'services.containerd.version': '`/usr/bin/containerd --version` exited with 2: panic' });
    // One systemctl call for every unit; docker has neither unit nor binary, so no --version.
    assert.equal(calls.filter((c) => c.startsWith('systemctl')).length, 1);
    assert.ok(!calls.some((c) => c.includes('docker --version')));
  } finally {
    cleanup();
  }
});

test('services: null without an error when systemd is not running; a failing systemctl is an error', async () => {
  const noSystemd = makeRoot({});
  const systemd = makeRoot({ '/run/systemd/system': { dir: true } });
  try {
    const errors: ProbeErrors = {};
    assert.equal(await readServices(context(noSystemd.root), errors), null);
    assert.deepEqual(errors, {});
    await assert.rejects(
      readServices(context(systemd.root, { [SHOW]: new ProbeFailure('`systemctl show` exited with 1: Failed to connect to bus') }), {}),
      /Failed to connect to bus/,
    );
    await assert.rejects(
      readServices(context(systemd.root, { [SHOW]: 'Id=kubelet.service\nLoadState=loaded\nActiveState=active\n' }), {}),
      /described 1 units, asked for 4/,
    );
  } finally {
    noSystemd.cleanup();
    systemd.cleanup();
  }
});
