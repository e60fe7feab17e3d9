// What keeps a fact refresh short: the NTP query runs alongside the other probes (timedatectl may
// have to start systemd-timedated first), and a component's `--version` runs once per binary file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { collectFacts } from '../../../agent/facts/index';
import { readServices } from '../../../agent/facts/services';
import { ProbeFailure, type ProbeContext, type ProbeErrors } from '../../../agent/facts/probe';
import { context, makeRoot } from './helpers';

test('collectFacts asks timedatectl before any other probe has answered; the clock is still read last', async () => {
  const { root, cleanup } = makeRoot({ '/run/systemd/system': { dir: true } });
  try {
    const calls: string[] = [];
    const waiting: (() => void)[] = [];
    // Every command is held until released: a collector that waits for the others to finish
    // before asking timedatectl would not have asked by the time they are all waiting.
    const ctx: ProbeContext = {
      root,
      run: (file, args) =>
        new Promise((resolve, reject) => {
          const key = [file, ...args].join(' ');
          calls.push(key);
          waiting.push(() =>
            key === 'timedatectl show -p NTPSynchronized' ? resolve('NTPSynchronized=yes\n') : reject(new ProbeFailure(`${file}: not here`)),
          );
        }),
    };
    const before = Date.now();
    const pending = collectFacts({}, ctx);
    const asked = (k: string) => calls.includes(k);
    for (let i = 0; i < 200 && !(asked('ip -j addr show') && asked('timedatectl show -p NTPSynchronized')); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(calls.includes('ip -j addr show'), `probes started: ${calls.join(', ')}`);
    assert.ok(calls.includes('timedatectl show -p NTPSynchronized'), `timedatectl not asked while the other probes run: ${calls.join(', ')}`);
    while (waiting.length) waiting.shift()!();
    const f = await pending;
    assert.equal(f.time?.ntpSynchronized, true);
    assert.ok((f.time?.epochMs ?? 0) >= before && (f.time?.epochMs ?? 0) >= f.collectedAtMs);
    assert.equal(calls.filter((c) => c.startsWith('timedatectl')).length, 1);
  } finally {
    cleanup();
  }
});

test('component --version runs once per binary file, again when the file changes', async () => {
  const { root, cleanup } = makeRoot({
    '/run/systemd/system': { dir: true },
    '/usr/local/bin/kubelet': { exec: '#!/bin/sh\n' },
  });
  try {
    const show = 'Id=kubelet.service\nLoadState=loaded\nActiveState=active\nExecStart={ path=/usr/local/bin/kubelet ; argv[]=/usr/local/bin/kubelet ; }\n';
    const script: Record<string, string | Error> = {
      'systemctl show --no-pager -p Id,LoadState,ActiveState,ExecStart kubelet.service': show,
      '/usr/local/bin/kubelet --version': 'Kubernetes v1.33.1\n',
    };
    const calls: string[] = [];
    const ctx = context(root, script, calls);
    const errors: ProbeErrors = {};
    const versions = async () => (await readServices(ctx, errors, ['kubelet']))?.kubelet?.version;
    assert.equal(await versions(), '1.33.1');
    assert.equal(await versions(), '1.33.1');
    assert.equal(calls.filter((c) => c.endsWith('--version')).length, 1, calls.join(', '));
    // An upgrade replaces the binary: its answer is not taken from memory.
    script['/usr/local/bin/kubelet --version'] = 'Kubernetes v1.34.0\n';
    const bin = path.join(root, 'usr/local/bin/kubelet');
    writeFileSync(bin, '#!/bin/sh\n# v1.34\n');
    utimesSync(bin, new Date(), new Date(Date.now() + 2000));
    assert.equal(await versions(), '1.34.0');
    assert.equal(calls.filter((c) => c.endsWith('--version')).length, 2);
    // A failure is not remembered either.
    script['/usr/local/bin/kubelet --version'] = new ProbeFailure('kubelet: exit 2');
    const other = context(root, script, calls);
    assert.equal((await readServices(other, errors, ['kubelet']))?.kubelet?.version, null);
    assert.equal(errors['services.kubelet.version'], 'kubelet: exit 2');
  } finally {
    cleanup();
  }
});
