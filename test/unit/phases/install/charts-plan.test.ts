// The charts the cni and storage-class steps ask for are the ones init's plan fetches for the same
// config (by artifact name and version): a step never asks for a file init does not download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cniStep } from '../../../../coordinator/phases/install/steps/cni';
import { storageClassStep } from '../../../../coordinator/phases/install/steps/storage-class';
import { stepInputs } from '../../../../coordinator/phases/install/inputs';
import { planArtifacts } from '../../../../coordinator/init/artifacts/plan';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import { model, tempDir, inventoryText } from '../helpers';

const INV = inventoryText({
  hosts: { cp1: '{internal_ipv4: 10.0.0.1}', nfs1: '{internal_ipv4: 10.0.0.7}' },
  controlPlanes: ['cp1'],
  workers: ['cp1'],
  etcd: ['cp1'],
  groups: { nfs: ['nfs1'] },
});

/** What the steps fetch, for a config whose artifacts are exactly init's plan. */
function fetched(spec: string): { charts: string[]; dests: string[] } {
  const m = model(`  kubernetes: {kube_version: v1.34.3}\n${spec}`, INV);
  const plan = planArtifacts(m, { cwd: tempDir() });
  const resolved: ResolvedArtifact[] = plan.artifacts.map((a) => ({
    id: a.id,
    name: a.name,
    kind: a.kind,
    arch: a.arch,
    version: a.version,
    base: a.base,
    dest: a.dest,
    sha256: createHash('sha256').update(a.id).digest('hex'),
    size: 1,
    url: a.url,
    verified: 'first-download',
  }));
  const inputs = stepInputs({ model: m, resolved, pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });
  const tasks = [...cniStep.plan(inputs, 'cp1'), ...storageClassStep.plan(inputs, 'cp1')];
  const bySha = new Map(resolved.map((r) => [r.sha256, r]));
  const out = { charts: [] as string[], dests: [] as string[] };
  for (const t of tasks) {
    if (!('fetch' in t.spec)) continue;
    const { sha256 = '', dest = '' } = t.spec.fetch;
    const r = bySha.get(sha256);
    assert.ok(r, `${t.task} fetches a file of init's plan`);
    if (r.kind === 'chart') out.charts.push(r.id);
    out.dests.push(dest);
  }
  return out;
}

test('each network plugin and storage class fetches the chart init planned for that config', () => {
  assert.deepEqual(fetched('').charts, ['tigera-operator/v3.31.3', 'localpv-provisioner/4.4.0'], 'defaults: calico and local PV');
  assert.deepEqual(fetched('').dests, [
    '/etc/kubernetes/cni/tigera-operator-v3.31.3.tgz',
    '/opt/kubekey/artifacts/calicoctl/v3.31.3/calicoctl',
    '/etc/kubernetes/storageclass/localpv-provisioner-4.4.0.tgz',
  ]);
  assert.deepEqual(fetched('  cni: {type: cilium, multi_cni: spiderpool}\n  storage_class: {local: {enabled: false}, nfs: {enabled: true}}\n').charts, [
    'cilium/1.19.1',
    'spiderpool/v1.1.1',
    'nfs-subdir-external-provisioner/4.0.18',
  ]);
  assert.deepEqual(fetched('  cni: {type: kubeovn}\n  storage_class: {local: {enabled: false}}\n').charts, ['kube-ovn/v1.15.0']);
  assert.deepEqual(fetched('  cni: {type: kube-ovn}\n  storage_class: {local: {enabled: false}}\n').charts, ['kube-ovn/v1.15.0']);
  assert.deepEqual(fetched('  cni: {type: hybridnet}\n  storage_class: {local: {enabled: false}}\n').charts, ['hybridnet/0.6.8']);
  assert.deepEqual(fetched('  cni: {type: flannel, multi_cni: multus}\n  storage_class: {local: {enabled: false}}\n').charts, ['flannel/v0.27.4']);
});

test("init plans the storage charts at KubeKey's upstream URLs", () => {
  const m = model('  kubernetes: {kube_version: v1.34.3}\n  storage_class: {nfs: {enabled: true}}\n', INV);
  const a = planArtifacts(m, { cwd: tempDir() }).artifacts.filter((x) => x.kind === 'chart');
  const byName = Object.fromEntries(a.map((x) => [x.name, x]));
  assert.equal(byName['localpv-provisioner']?.url, 'https://openebs.github.io/dynamic-localpv-provisioner/localpv-provisioner-4.4.0.tgz');
  assert.equal(byName['localpv-provisioner']?.dest, 'storageclass/local/localpv-provisioner-4.4.0.tgz');
  assert.equal(
    byName['nfs-subdir-external-provisioner']?.url,
    'https://github.com/kubernetes-sigs/nfs-subdir-external-provisioner/releases/download/nfs-subdir-external-provisioner-4.0.18/nfs-subdir-external-provisioner-4.0.18.tgz',
  );
  assert.equal(byName['nfs-subdir-external-provisioner']?.dest, 'storageclass/nfs/nfs-subdir-external-provisioner-4.0.18.tgz');
});
