// kubernetes-prepare as data: the binaries by version, the kubelet unit, and on control planes
// kk's CAs (keys 0600), external etcd's client certificate and — with `audit: true` — the audit
// policy the API server is started with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { kubernetesPrepareStep } from '../../../../coordinator/phases/install/steps/kubernetes-prepare';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import type { StepTask } from '../../../../coordinator/phases/install/step';
import { model, tempDir } from '../helpers';

const art = (name: string, version: string, dest: string): ResolvedArtifact =>
  ({
    id: `${name}-${version}-amd64`,
    name,
    kind: 'binary',
    arch: 'amd64',
    version,
    base: 'work',
    dest,
    sha256: name
      .padEnd(64, '0')
      .slice(0, 64)
      .replace(/[^0-9a-f]/g, 'a'),
    size: 1,
    url: '',
  }) as unknown as ResolvedArtifact;
const RESOLVED = [
  art('kubeadm', 'v1.34.3', 'kube/v1.34.3/amd64/kubeadm'),
  art('kubelet', 'v1.34.3', 'kube/v1.34.3/amd64/kubelet'),
  art('kubectl', 'v1.34.3', 'kube/v1.34.3/amd64/kubectl'),
  art('helm', 'v3.18.5', 'helm/v3.18.5/amd64/helm-v3.18.5-linux-amd64.tar.gz'),
];

function inputs(spec = ''): StepInputs {
  const pki = tempDir('kk-pki-');
  for (const f of ['kubernetes.crt', 'kubernetes.key', 'front-proxy.crt', 'front-proxy.key', 'root.crt', 'etcd-client.crt', 'etcd-client.key'])
    writeFileSync(path.join(pki, f), `pem of ${f}\n`);
  return stepInputs({
    model: model(`  kubernetes: {kube_version: v1.34.3}\n${spec}`),
    resolved: RESOLVED,
    pkiDir: pki,
    arches: ['amd64'],
    param: (_k, make) => make(),
  });
}
const files = (tasks: StepTask[]): [string, number, string][] =>
  tasks.flatMap((t) =>
    'writeFile' in t.spec ? [[t.spec.writeFile.path ?? '', t.spec.writeFile.mode ?? 0, t.spec.writeFile.text ?? ''] as [string, number, string]] : [],
  );

test("a control plane: kk's CAs (keys 0600) and external etcd's client certificate; a worker: neither", () => {
  const inp = inputs();
  const [cp, worker] = kubernetesPrepareStep.hosts(inp.model);
  const cpFiles = files(kubernetesPrepareStep.plan(inp, cp!));
  assert.deepEqual(
    cpFiles.filter(([p]) => p.startsWith('/etc/kubernetes/pki/')).map(([p, mode, text]) => `${p} ${mode.toString(8)} ${text.trim()}`),
    [
      '/etc/kubernetes/pki/ca.crt 644 pem of kubernetes.crt',
      '/etc/kubernetes/pki/ca.key 600 pem of kubernetes.key',
      '/etc/kubernetes/pki/front-proxy-ca.crt 644 pem of front-proxy.crt',
      '/etc/kubernetes/pki/front-proxy-ca.key 600 pem of front-proxy.key',
      '/etc/kubernetes/pki/etcd/ca.crt 644 pem of root.crt',
      '/etc/kubernetes/pki/etcd/client.crt 644 pem of etcd-client.crt',
      '/etc/kubernetes/pki/etcd/client.key 600 pem of etcd-client.key',
    ],
  );
  assert.ok(!cpFiles.some(([p]) => p.startsWith('/etc/kubernetes/audit')), 'no audit policy unless audit: true');
  if (worker) assert.ok(!files(kubernetesPrepareStep.plan(inp, worker)).some(([p]) => p.startsWith('/etc/kubernetes/pki/')));
  const stacked = files(kubernetesPrepareStep.plan(inputs('  etcd: {deployment_type: internal}\n'), cp!));
  assert.ok(!stacked.some(([p]) => p.startsWith('/etc/kubernetes/pki/etcd/')), 'stacked etcd: kubeadm makes its own');
});

test("audit: true — the audit policy (0600) on control planes, a valid audit.k8s.io Policy that keeps secrets' content out", () => {
  const inp = inputs('  audit: true\n');
  const [cp] = kubernetesPrepareStep.hosts(inp.model);
  const policy = files(kubernetesPrepareStep.plan(inp, cp!)).find(([p]) => p === '/etc/kubernetes/audit/policy.yaml');
  assert.ok(policy, 'policy written');
  assert.equal(policy[1], 0o600);
  const doc = YAML.parse(policy[2]) as { apiVersion: string; kind: string; rules: { level: string; resources?: { resources: string[] }[] }[] };
  assert.deepEqual([doc.apiVersion, doc.kind], ['audit.k8s.io/v1', 'Policy']);
  const secretsRule = doc.rules.find((r) => r.resources?.some((g) => g.resources.includes('secrets')));
  assert.equal(secretsRule?.level, 'Metadata');
  assert.equal(doc.rules.at(-1)!.level, 'Request', 'writes keep their request body');
});

test('binaries fetched by checksum and installed only when the version differs; the kubelet unit enabled, not started', () => {
  const inp = inputs();
  const names = kubernetesPrepareStep.plan(inp, kubernetesPrepareStep.hosts(inp.model)[0]!).map((t) => t.task);
  assert.deepEqual(names.slice(0, 12), [
    'fetch kubeadm',
    'install kubeadm',
    'fetch kubelet',
    'install kubelet',
    'fetch kubectl',
    'install kubectl',
    'fetch helm',
    'install helm',
    'write kubelet unit',
    'write kubelet drop-in',
    'daemon-reload',
    'enable kubelet',
  ]);
  const install = kubernetesPrepareStep.plan(inp, kubernetesPrepareStep.hosts(inp.model)[0]!).find((t) => t.task === 'install kubeadm')!;
  assert.ok('exec' in install.spec);
  assert.match(install.spec.exec.script ?? '', /want='1\.34\.3'/);
});
