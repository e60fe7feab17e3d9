import { test } from 'node:test';
import assert from 'node:assert/strict';
import YAML from 'yaml';
import { STORAGECLASS_DIR, localpvRelease, nfsRelease, storageClassStep, storageReleases } from '../../../../coordinator/phases/install/steps/storage-class';
import { INSTALL_STEPS } from '../../../../coordinator/phases/install/steps';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import type { StepTask } from '../../../../coordinator/phases/install/step';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import { UserError } from '../../../../shared/errors';
import { model, tempDir, inventoryText } from '../helpers';

const INV = inventoryText({
  hosts: { cp1: '{internal_ipv4: 10.0.0.1}', w1: '{internal_ipv4: 10.0.0.3}', nfs1: '{internal_ipv4: 10.0.0.7}' },
  controlPlanes: ['cp1'],
  workers: ['w1'],
  etcd: ['cp1'],
  groups: { nfs: ['nfs1'] },
});
const NO_NFS = INV.replace('    nfs: {hosts: [nfs1]}\n', '');
const KUBE = '  kubernetes: {kube_version: v1.34.3}\n';
const REGISTRY = '  image_registry: {auth: {registry: "hub.example:5000"}}\n';

const chart = (name: string, version: string): ResolvedArtifact => ({
  id: `${name}/${version}`,
  name,
  kind: 'chart',
  arch: null,
  version,
  base: 'binary_dir',
  dest: `storageclass/x/${name}-${version}.tgz`,
  sha256: Buffer.from(name.padEnd(32, '.')).toString('hex').slice(0, 64),
  size: 1,
  url: 'https://x',
  verified: 'first-download',
});
const ARTIFACTS = [chart('localpv-provisioner', '4.4.0'), chart('nfs-subdir-external-provisioner', '4.0.18')];

const inputs = (spec: string, inv = INV): StepInputs =>
  stepInputs({ model: model(KUBE + spec, inv), resolved: ARTIFACTS, pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });
const scriptOf = (t: StepTask | undefined): string => {
  assert.ok(t && 'exec' in t.spec);
  return t.spec.exec.script ?? '';
};

test('the step runs after the network plugin, on the first control plane', () => {
  const names = INSTALL_STEPS.map((s) => s.name);
  assert.equal(names.indexOf('storage-class'), names.indexOf('cni') + 1);
  assert.deepEqual(storageClassStep.hosts(inputs('').model), ['cp1']);
  assert.deepEqual(storageClassStep.hosts(inputs('  storage_class: {local: {enabled: false}}\n').model), [], 'nothing to install: skipped');
});

test('local (on by default): localpv-provisioner in kube-system, docker registry with its trailing slash, base path, default class', () => {
  const inp = inputs('');
  const rs = storageReleases(inp.model);
  assert.deepEqual(
    rs.map((r) => r.release),
    ['localpv-provisioner'],
  );
  const r = rs[0]!;
  assert.deepEqual([r.namespace, r.chart, r.dir], ['kube-system', 'localpv-provisioner', STORAGECLASS_DIR]);
  assert.deepEqual(r.values, {
    localpv: { image: { registry: 'docker.io/' }, basePath: '/var/openebs/local' },
    helperPod: { image: { registry: 'docker.io/' } },
    hostpathClass: { isDefaultClass: true },
    analytics: { enabled: false },
  });
  const tasks = storageClassStep.plan(inp, 'cp1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    ['fetch localpv-provisioner chart', 'write localpv-provisioner values', 'helm localpv-provisioner'],
  );
  const f = tasks[0]!.spec;
  assert.ok('fetch' in f);
  assert.equal(f.fetch.dest, '/etc/kubernetes/storageclass/localpv-provisioner-4.4.0.tgz');
  const w = tasks[1]!.spec;
  assert.ok('writeFile' in w);
  assert.deepEqual(YAML.parse(w.writeFile.text ?? ''), r.values);
  assert.match(
    scriptOf(tasks[2]),
    /\nhelm upgrade --install 'localpv-provisioner' '\/etc\/kubernetes\/storageclass\/localpv-provisioner-4\.4\.0\.tgz' -n 'kube-system' --create-namespace -f '\/etc\/kubernetes\/storageclass\/localpv-provisioner-values\.yaml' --wait --timeout 10m\n/,
  );
});

test('local with a cluster registry, another path, not default, and custom values', () => {
  const r = localpvRelease(
    inputs(`${REGISTRY}  storage_class:\n    local:\n      path: /data/local\n      default: false\n      values: "localpv: {replicas: 2}"\n`).model,
  );
  assert.deepEqual(r.values, {
    localpv: { image: { registry: 'hub.example:5000/' }, basePath: '/data/local', replicas: 2 },
    helperPod: { image: { registry: 'hub.example:5000/' } },
    hostpathClass: { isDefaultClass: false },
    analytics: { enabled: false },
  });
  assert.throws(
    () => localpvRelease(inputs('  storage_class: {local: {path: data/local}}\n').model),
    (e: unknown) => e instanceof UserError && /^storage_class\.local\.path: "data\/local" must be an absolute directory/.test(e.message),
  );
});

test('nfs: nfs-subdir-external-provisioner with server = the first nfs host, path, default class, image from registry.k8s.io', () => {
  const inp = inputs('  storage_class: {local: {enabled: false}, nfs: {enabled: true, default: true}}\n');
  const rs = storageReleases(inp.model);
  assert.deepEqual(
    rs.map((r) => [r.release, r.namespace, r.chart]),
    [['nfs-subdir-external-provisioner', 'kube-system', 'nfs-subdir-external-provisioner']],
  );
  assert.deepEqual(rs[0]!.values, {
    image: { repository: 'registry.k8s.io/sig-storage/nfs-subdir-external-provisioner', tag: 'v4.0.2' },
    nfs: { server: 'nfs1', path: '/share/kubernetes' },
    storageClass: { defaultClass: true },
  });
  const moved = nfsRelease(inputs(`${REGISTRY}  storage_class: {nfs: {enabled: true, server: 10.9.9.9, path: /exports/k8s}}\n`).model);
  assert.deepEqual(moved.values, {
    image: { repository: 'hub.example:5000/sig-storage/nfs-subdir-external-provisioner', tag: 'v4.0.2' },
    nfs: { server: '10.9.9.9', path: '/exports/k8s' },
    storageClass: { defaultClass: false },
  });
  const both = storageClassStep.plan(inputs('  storage_class: {nfs: {enabled: true}}\n'), 'cp1');
  assert.deepEqual(
    both.map((t) => t.task),
    [
      'fetch localpv-provisioner chart',
      'write localpv-provisioner values',
      'helm localpv-provisioner',
      'fetch nfs-subdir-external-provisioner chart',
      'write nfs-subdir-external-provisioner values',
      'helm nfs-subdir-external-provisioner',
    ],
  );
});

test('bad storage config is a UserError naming the key: no NFS server, a relative path, two default classes', () => {
  assert.throws(
    () => storageReleases(inputs('  storage_class: {nfs: {enabled: true}}\n', NO_NFS).model),
    (e: unknown) => e instanceof UserError && /^storage_class\.nfs\.server is not set and the inventory has no nfs group/.test(e.message),
  );
  assert.throws(
    () => storageReleases(inputs('  storage_class: {nfs: {enabled: true, path: share}}\n').model),
    (e: unknown) => e instanceof UserError && /^storage_class\.nfs\.path: "share" must be an absolute path exported by nfs1/.test(e.message),
  );
  assert.throws(
    () => storageReleases(inputs('  storage_class: {nfs: {enabled: true, default: true}}\n').model),
    (e: unknown) => e instanceof UserError && /storage_class\.local\.default and storage_class\.nfs\.default are both true/.test(e.message),
  );
});
