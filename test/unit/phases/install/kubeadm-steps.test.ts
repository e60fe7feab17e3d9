// The kubeadm steps as data: the coordinator's token and certificate key (made once per run, the
// CA pinned by hash), configs written only until the node is initialised or joined, joins that
// first check the API server, and the tasks a re-run on a finished cluster sends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { kubeadmInitStep, kubeadmJoinControlPlaneStep, kubeadmJoinWorkerStep, secrets } from '../../../../coordinator/phases/install/steps/kubeadm';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { caCertHash } from '../../../../coordinator/phases/install/kubeadm/config';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import type { ServiceFacts } from '../../../../shared/facts/types';
import { model, tempDir, kubernetesCa } from '../helpers';

const INV = `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: t}
spec:
  hosts:
    cp1: {internal_ipv4: 10.0.0.1}
    cp2: {internal_ipv4: 10.0.0.2}
    w1: {internal_ipv4: 10.0.0.3}
  groups:
    kube_control_plane: {hosts: [cp1, cp2]}
    kube_worker: {hosts: [w1]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [cp1]}
`;

function inputs(kubelet: Record<string, Partial<ServiceFacts>> = {}): { inp: StepInputs; params: Map<string, string>; caPem: string } {
  const pki = tempDir('kk-pki-');
  kubernetesCa(pki);
  writeFileSync(path.join(pki, 'front-proxy.crt'), 'x');
  const params = new Map<string, string>();
  const inp = stepInputs({
    model: model('  kubernetes: {kube_version: v1.34.3}\n', INV),
    resolved: [],
    pkiDir: pki,
    arches: ['amd64'],
    param: (k, make) => params.get(k) ?? params.set(k, make()).get(k)!,
    facts: (h) => (kubelet[h] ? ({ services: { kubelet: { loadState: 'loaded', activeState: 'active', version: '1.34.3', ...kubelet[h] } } } as never) : null),
  });
  return { inp, params, caPem: execFileSync('cat', [path.join(pki, 'kubernetes.crt')], { encoding: 'utf8' }) };
}

const execOf = (spec: CommandSpec) => {
  assert.ok('exec' in spec, 'an exec command');
  return spec.exec;
};

test('the coordinator makes the token and certificate key once per run; the init config carries them, written only until initialised', () => {
  const { inp, params } = inputs();
  const s1 = secrets(inp);
  assert.match(s1.token, /^[a-z0-9]{6}\.[a-z0-9]{16}$/);
  assert.match(s1.certificateKey, /^[0-9a-f]{64}$/);
  assert.deepEqual(secrets(inp), s1, 'the same values when planned again (--resume)');
  assert.deepEqual([...params.keys()].sort(), ['kubeadm.bootstrap_token', 'kubeadm.certificate_key']);
  const tasks = kubeadmInitStep.plan(inp, 'cp1');
  const names = tasks.map((t) => t.task);
  assert.deepEqual(names, ['write kubeadm config', 'kubeadm init', 'root kubeconfig', 'bootstrap token', 'upload certificates']);
  const write = execOf(tasks[0]!.spec);
  assert.match(write.script ?? '', /\[ -f '\/etc\/kubernetes\/admin\.conf' \] && .*exit 80/);
  const config = Buffer.from(write.stdin as Uint8Array).toString();
  assert.match(config, new RegExp(`token: ${s1.token.replace('.', '\\.')}`));
  assert.match(config, new RegExp(`certificateKey: ${s1.certificateKey}`));
  assert.match(config, /ttl: 2h0m0s/);
  assert.match(execOf(tasks[1]!.spec).script ?? '', /kubeadm init --config \/etc\/kubernetes\/kubeadm-config\.yaml --upload-certs/);
  assert.doesNotMatch(execOf(tasks[1]!.spec).script ?? '', /ignore-preflight-errors/);
});

test('joins pin the CA by its hash, check the API server first, and skip everything once joined', () => {
  const { inp, caPem } = inputs();
  const cp = kubeadmJoinControlPlaneStep.plan(inp, 'cp2');
  assert.deepEqual(
    cp.map((t) => t.task),
    ['endpoint for joining', 'reach the API server', 'write kubeadm config', 'kubeadm join', 'endpoint in /etc/hosts', 'root kubeconfig'],
  );
  const cfg = Buffer.from(execOf(cp[2]!.spec).stdin as Uint8Array).toString();
  assert.match(cfg, new RegExp(caCertHash(caPem).replace(':', ':')));
  assert.doesNotMatch(cfg, /unsafeSkipCAVerification/);
  assert.match(cfg, /certificateKey: [0-9a-f]{64}/);
  const w = kubeadmJoinWorkerStep.plan(inp, 'w1');
  assert.deepEqual(
    w.map((t) => t.task),
    ['reach the API server', 'write kubeadm config', 'kubeadm join', 'worker label'],
  );
  assert.equal(w[3]!.delegateTo, 'cp1', 'labelled from the first control plane');
  for (const t of [...cp, ...w].filter((x) => /reach|kubeadm join|write kubeadm/.test(x.task))) {
    assert.match(execOf(t.spec).script ?? '', /\/etc\/kubernetes\/kubelet\.conf/, `${t.task}: skipped once joined`);
  }
  assert.match(execOf(w[0]!.spec).script ?? '', /cannot reach the API server at lb\.kubesphere\.local:6443/);
});

test('a finished cluster: no token is minted and no certificates are uploaded', () => {
  const { inp } = inputs({ cp1: {}, cp2: {}, w1: {} });
  assert.deepEqual(
    kubeadmInitStep.plan(inp, 'cp1').map((t) => t.task),
    ['write kubeadm config', 'kubeadm init', 'root kubeconfig'],
  );
});

test('bootstrap token: created when missing; "already exists" (a list that came back empty just after init) counts as there; other errors fail', () => {
  const { inp } = inputs();
  const t = kubeadmInitStep.plan(inp, 'cp1').find((x) => x.task === 'bootstrap token');
  assert.ok(t);
  const bin = tempDir('kk-kubeadm-');
  for (const [mode, code] of [
    ['exists', 80],
    ['other', 1],
    ['ok', 0],
  ] as const) {
    writeFileSync(
      path.join(bin, 'kubeadm'),
      `#!/bin/bash\ncase "$2" in list) exit 0;; create) case ${mode} in exists) echo 'error: a token with id "x" already exists' >&2; exit 1;; other) echo boom >&2; exit 1;; ok) exit 0;; esac;; esac\n`,
      { mode: 0o755 },
    );
    const scriptText: string = execOf(t.spec).script ?? '';
    const r = spawnSync('bash', ['--noprofile', '--norc', '-c', scriptText], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
    assert.equal(r.status, code, `${mode}: ${r.stderr}`);
    if (mode === 'other') assert.match(r.stderr, /boom/);
  }
});
