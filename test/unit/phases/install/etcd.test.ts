import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { etcdStep, etcdEnv, ETCD_ENV } from '../../../../coordinator/phases/install/steps/etcd';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { tarballInstallScript } from '../../../../coordinator/phases/install/steps/common';
import { UNCHANGED } from '../../../../coordinator/phases/install/step';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import type { ServiceFacts } from '../../../../shared/facts/types';
import { model, tempDir } from '../helpers';

const INV = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    node1: {internal_ipv4: 10.213.0.11}
    node2: {internal_ipv4: 10.213.0.12}
    node3: {internal_ipv4: 10.213.0.13, internal_ipv6: "fd00::13"}
  groups:
    etcd: {hosts: [node1, node2, node3]}
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node2, node3]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
`;

const ETCD_ART: ResolvedArtifact = {
  id: 'etcd/v3.6.5/amd64',
  name: 'etcd',
  kind: 'binary',
  arch: 'amd64',
  version: 'v3.6.5',
  base: 'binary_dir',
  dest: 'etcd/v3.6.5/amd64/etcd-v3.6.5-linux-amd64.tar.gz',
  sha256: 'a'.repeat(64),
  size: 1,
  url: 'https://x',
  verified: 'sha256',
};

function inputs(spec = '  etcd: {etcd_version: v3.6.5}\n', units: Record<string, Partial<ServiceFacts>> = {}, force = false): StepInputs {
  const pki = tempDir('kk-pki-');
  for (const f of ['root.crt', 'etcd-node1.crt', 'etcd-node1.key', 'etcd-node2.crt', 'etcd-node2.key', 'etcd-node3.crt', 'etcd-node3.key'])
    writeFileSync(path.join(pki, f), `PEM ${f}\n`);
  const params = new Map<string, string>();
  return stepInputs({
    model: model(spec, INV),
    resolved: [ETCD_ART],
    pkiDir: pki,
    arches: ['amd64'],
    param: (k, make) => params.get(k) ?? params.set(k, make()).get(k)!,
    facts: (h) => (units[h] ? ({ services: { etcd: { loadState: 'loaded', activeState: 'active', version: '3.6.5', ...units[h] } } } as never) : null),
    force,
  });
}

const scriptOf = (spec: CommandSpec): string => {
  assert.ok('exec' in spec, 'an exec command');
  return spec.exec.script ?? '';
};
const envOf = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => /^[A-Z]/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

test('a new cluster: every member gets the same initial cluster, state new, TLS from init, and they start together', () => {
  const inp = inputs();
  assert.deepEqual(etcdStep.hosts(inp.model), ['node1', 'node2', 'node3']);
  assert.deepEqual(etcdStep.stage(inp, ['node1', 'node2', 'node3']), { mode: 'together' });
  const tasks = etcdStep.plan(inp, 'node2');
  const names = tasks.map((t) => t.task);
  assert.deepEqual(names.slice(0, 9), [
    'fetch release',
    'install binaries',
    'write ca.crt',
    'write server.crt',
    'write server.key',
    'user and data dir',
    'write etcd.env',
    'write unit',
    'daemon-reload',
  ]);
  const fetch = tasks[0]!.spec as { fetch: { sha256: string; urlPath: string; dest: string } };
  assert.equal(fetch.fetch.urlPath, `/artifacts/${'a'.repeat(64)}`);
  const key = tasks.find((t) => t.task === 'write server.key')!.spec as { writeFile: { path: string; mode: number; text: string } };
  assert.deepEqual([key.writeFile.path, key.writeFile.mode, key.writeFile.text], ['/etc/ssl/etcd/ssl/server.key', 0o600, 'PEM etcd-node2.key\n']);
  const env = envOf((tasks.find((t) => t.task === 'write etcd.env')!.spec as { writeFile: { text: string } }).writeFile.text);
  assert.equal(env.ETCD_NAME, 'node2');
  assert.equal(env.ETCD_INITIAL_CLUSTER_STATE, 'new');
  assert.equal(env.ETCD_INITIAL_CLUSTER, 'node1=https://10.213.0.11:2380,node2=https://10.213.0.12:2380,node3=https://10.213.0.13:2380');
  assert.equal(env.ETCD_LISTEN_CLIENT_URLS, 'https://127.0.0.1:2379,https://10.213.0.12:2379');
  assert.equal(env.ETCD_ELECTION_TIMEOUT, '5000');
  assert.equal(env.ETCD_CLIENT_CERT_AUTH, 'true');
  assert.equal(env.ETCD_PROXY, undefined, 'etcd 3.6 has no proxy');
  const restart = tasks.find((t) => t.task === 'restart')!;
  assert.deepEqual(restart.onlyIfChanged, ['install binaries', 'write ca.crt', 'write server.crt', 'write server.key', 'write etcd.env', 'write unit']);
  assert.ok(!names.includes('member add'));
});

test('etcd 3.5 keeps the v2 and proxy variables; tuning keys from the config reach the env', () => {
  const inp = inputs('  etcd: {etcd_version: v3.5.24, env: {election_timeout: 7000, quota_backend_bytes: 8589934592, data_dir: /data/etcd}}\n');
  const env = envOf(etcdEnv(inp, 'node1', { state: 'new', members: ['node1'] }));
  assert.equal(env.ETCD_PROXY, 'off');
  assert.equal(env.ETCD_ENABLE_V2, 'true');
  assert.equal(env.ETCD_ELECTION_TIMEOUT, '7000');
  assert.equal(env.ETCD_QUOTA_BACKEND_BYTES, '8589934592');
  assert.equal(env.ETCD_DATA_DIR, '/data/etcd');
});

test('a host joining a running cluster: learner added from a running member, state existing, one host at a time, then promoted', () => {
  const inp = inputs(undefined, { node1: {}, node2: {} });
  assert.deepEqual(etcdStep.stage(inp, ['node1', 'node2', 'node3']), { mode: 'serial' });
  const tasks = etcdStep.plan(inp, 'node3');
  const add = tasks.find((t) => t.task === 'member add')!;
  assert.equal(add.delegateTo, 'node1');
  assert.match(scriptOf(add.spec), /etcdctl member add 'node3' --peer-urls='https:\/\/10\.213\.0\.13:2380' --learner/);
  const env = envOf((tasks.find((t) => t.task === 'write etcd.env')!.spec as { writeFile: { text: string } }).writeFile.text);
  assert.equal(env.ETCD_INITIAL_CLUSTER_STATE, 'existing');
  assert.equal(env.ETCD_INITIAL_CLUSTER, 'node1=https://10.213.0.11:2380,node2=https://10.213.0.12:2380,node3=https://10.213.0.13:2380');
  const names = tasks.map((t) => t.task);
  assert.ok(names.indexOf('member add') < names.indexOf('restart') && names.indexOf('start') < names.indexOf('member promote'));
  // the running members are not re-added
  assert.ok(!etcdStep.plan(inp, 'node1').some((t) => t.task === 'member add'));
});

test('the health gate checks every member from the first host and maps endpoints to host names', () => {
  const inp = inputs();
  const gate = etcdStep.gate!(inp, ['node1', 'node2', 'node3'])!;
  assert.equal(gate.host, 'node1');
  const s = scriptOf(gate.task.spec);
  assert.match(s, /ctl endpoint health --cluster/);
  assert.match(s, /etcdctl --dial-timeout=3s --command-timeout=5s/);
  assert.match(s, /want=3/);
  assert.match(s, /s#https:\/\/10\.213\.0\.12:2379#node2 \(&\)#/);
  assert.match(s, new RegExp(`\\. ${ETCD_ENV}`));
});

test('the gate script, run against a fake etcdctl, names the unhealthy member and succeeds when all are healthy', () => {
  const inp = inputs();
  const dir = tempDir('kk-gate-');
  mkdirSync(path.join(dir, 'bin'));
  const fake = path.join(dir, 'bin', 'etcdctl');
  const body = (n2: string): string =>
    `#!/bin/sh\ncase "$*" in *"endpoint health"*) echo "https://10.213.0.11:2379 is healthy: ok"; echo "https://10.213.0.12:2379 ${n2}"; echo "https://10.213.0.13:2379 is healthy: ok";; *) echo "member list";; esac\n`;
  const env = path.join(dir, 'etcd.env');
  writeFileSync(env, 'ETCDCTL_ENDPOINTS=https://127.0.0.1:2379\n');
  const script = gateScript(inp).replace(`. ${ETCD_ENV}`, `. ${env}`).replace('sleep 2', 'true').replace('+ 60 ))', '+ 1 ))');
  writeFileSync(fake, body('is unhealthy: failed to commit proposal'));
  chmodSync(fake, 0o755);
  const bad = spawnSync('bash', ['-c', script], { env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, UNCHANGED: '80' }, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /node2 \(https:\/\/10\.213\.0\.12:2379\) is unhealthy/);
  assert.match(bad.stderr, /unhealthy: node2 \(10\.213\.0\.12\)/);
  assert.doesNotMatch(bad.stderr, /unhealthy: node1/);
  writeFileSync(fake, body('is healthy: ok'));
  const good = spawnSync('bash', ['-c', script], { env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin` }, encoding: 'utf8' });
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /node3 \(https:\/\/10\.213\.0\.13:2379\) is healthy/);
});

function gateScript(inp: StepInputs): string {
  const s = scriptOf(etcdStep.gate!(inp, ['node1', 'node2', 'node3'])!.task.spec);
  return s;
}

test('binaries: installed when missing, unchanged when the version matches, a downgrade refused without --force', () => {
  const dir = tempDir('kk-tarball-');
  const mk = (v: string): string => {
    const stage = path.join(dir, `stage-${v}`, `etcd-v${v}-linux-amd64`);
    mkdirSync(stage, { recursive: true });
    writeFileSync(path.join(stage, 'etcd'), `#!/bin/sh\necho "etcd Version: ${v}"\n`);
    chmodSync(path.join(stage, 'etcd'), 0o755);
    const tgz = path.join(dir, `etcd-${v}.tgz`);
    execFileSync('tar', ['-czf', tgz, '-C', path.dirname(stage), path.basename(stage)]);
    return tgz;
  };
  const bin = path.join(dir, 'bin', 'etcd');
  const run = (v: string, force = false) =>
    spawnSync(
      'bash',
      [
        '-c',
        `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${tarballInstallScript({
          name: 'etcd',
          version: v,
          tarball: mk(v),
          force,
          files: { [`etcd-v${v}-linux-amd64/etcd`]: bin },
          installedVersion: `${bin} --version | sed -n 's/^etcd Version: //p'`,
        })}`,
      ],
      { encoding: 'utf8' },
    );
  assert.equal(run('3.6.5').status, 0);
  assert.match(readFileSync(bin, 'utf8'), /3\.6\.5/);
  assert.equal(run('3.6.5').status, UNCHANGED, 'same version: nothing to do');
  const down = run('3.5.24');
  assert.equal(down.status, 3);
  assert.match(down.stderr, /refusing to downgrade etcd from 3\.6\.5 to 3\.5\.24: pass --force/);
  assert.match(readFileSync(bin, 'utf8'), /3\.6\.5/, 'left as it was');
  assert.equal(run('3.5.24', true).status, 0);
  assert.equal(run('3.6.6').status, 0, 'an upgrade needs no --force');
});

test('an interrupted new cluster resumes as that new cluster: what ran when the run began is kept in the run', () => {
  const pki = tempDir('kk-pki-');
  for (const f of ['root.crt', 'etcd-node1.crt', 'etcd-node1.key', 'etcd-node2.crt', 'etcd-node2.key', 'etcd-node3.crt', 'etcd-node3.key'])
    writeFileSync(path.join(pki, f), 'PEM\n');
  const params = new Map<string, string>();
  let node3: Partial<ServiceFacts> | null = null;
  const make = () =>
    stepInputs({
      model: model('  etcd: {etcd_version: v3.6.5}\n', INV),
      resolved: [ETCD_ART],
      pkiDir: pki,
      arches: ['amd64'],
      param: (k, mk) => params.get(k) ?? params.set(k, mk()).get(k)!,
      facts: (h) =>
        h === 'node3' && node3 ? ({ services: { etcd: { loadState: 'loaded', activeState: 'activating', version: '3.6.5', ...node3 } } } as never) : null,
    });
  const hosts = ['node1', 'node2', 'node3'];
  // First attempt: nothing runs yet.
  assert.deepEqual(etcdStep.stage(make(), hosts), { mode: 'together' });
  // The coordinator died; node3's member was started and waits for its peers (active by now, even).
  node3 = { activeState: 'active' };
  const resumed = make();
  assert.deepEqual(etcdStep.stage(resumed, hosts), { mode: 'together' }, 'still the new cluster of three');
  assert.ok(!etcdStep.plan(resumed, 'node1').some((t) => t.task === 'member add'));
  // A unit that is only loaded (activating) is no running cluster either, in a fresh run.
  params.clear();
  node3 = { activeState: 'activating' };
  assert.deepEqual(etcdStep.stage(make(), hosts), { mode: 'together' });
});
