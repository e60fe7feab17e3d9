import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getString, getVar, loadCluster, versionDefaults } from '../../../coordinator/inventory';
import { fixture, tempFile } from '../inventory/helpers';

const INV = fixture('kubekey-sample-inventory.yaml');
const config = (spec: string): string => tempFile('config.yaml', `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec:\n${spec}`);

test('version-specific defaults differ between v1.28 and v1.33', () => {
  const v128 = loadCluster(INV, config('  kubernetes:\n    kube_version: v1.28.15\n')).vars;
  const v133 = loadCluster(INV, config('  kubernetes:\n    kube_version: v1.33.1\n')).vars;
  const expect: Array<[string, string, string]> = [
    ['etcd.etcd_version', 'v3.5.15', 'v3.5.24'],
    ['kubernetes.helm_version', 'v3.12.1', 'v3.18.5'],
    ['kubernetes.sandbox_image.tag', '3.9', '3.10'],
    ['cri.crictl_version', 'v1.28.0', 'v1.33.0'],
    ['cni.calico_version', 'v3.28.5', 'v3.31.3'],
    ['cni.cilium_version', '1.16.18', '1.19.1'],
    ['cni.kubeovn_version', 'v1.13.15', 'v1.15.0'],
    ['dns.coredns.image.tag', 'v1.10.1', 'v1.12.0'],
    ['dns.nodelocaldns.image.tag', '1.22.23', '1.25.0'],
  ];
  for (const [key, old, cur] of expect) {
    assert.equal(getString(v128, key), old, `v1.28 ${key}`);
    assert.equal(getString(v133, key), cur, `v1.33 ${key}`);
  }
  // Constant across minors.
  assert.equal(getString(v128, 'cni.flannel_version'), 'v0.27.4');
  assert.equal(getString(v133, 'cni.flannel_version'), 'v0.27.4');
  // Derived from the pinned etcd version.
  assert.equal(getString(v133, 'etcd.image.tag'), 'v3.5.24');
});

test("KubeKey's create-config output for v1.28 loads and keeps its own pins", () => {
  const m = loadCluster(INV, fixture('kubekey-sample-config-v1.28.yaml'));
  assert.equal(getString(m.vars, 'kubernetes.kube_version'), 'v1.28.15');
  assert.equal(getString(m.vars, 'etcd.etcd_version'), 'v3.5.15');
  assert.equal(getString(m.vars, 'cni.calico_version'), 'v3.28.5');
});

test('v1.23 defaults to docker; a user value beats the version pin', () => {
  assert.equal(getString(loadCluster(INV, config('  kubernetes:\n    kube_version: v1.23.17\n')).vars, 'cri.container_manager'), 'docker');
  const m = loadCluster(INV, config('  kubernetes:\n    kube_version: v1.23.17\n  cri:\n    container_manager: containerd\n'));
  assert.equal(getString(m.vars, 'cri.container_manager'), 'containerd');
  assert.equal(getString(m.vars, 'cri.cri_socket'), 'unix:///var/run/containerd/containerd.sock');
  // docker on >= 1.24 goes through cri-dockerd.
  const d = loadCluster(INV, config('  kubernetes:\n    kube_version: v1.30.2\n  cri:\n    container_manager: docker\n'));
  assert.equal(getString(d.vars, 'cri.cri_socket'), 'unix:///var/run/cri-dockerd.sock');
});

test('a version in inventory spec.vars picks the pins too; no version → no pins', () => {
  const inv = tempFile(
    'inv.yaml',
    'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nspec:\n  hosts: {n1: {}}\n  vars:\n    kubernetes:\n      kube_version: "1.29.3"\n',
  );
  assert.equal(getString(loadCluster(inv, null).vars, 'cni.calico_version'), 'v3.29.7');
  const none = loadCluster(INV, null);
  assert.equal(getVar(none.vars, 'etcd.etcd_version'), undefined);
  assert.equal(getString(none.vars, 'cri.container_manager'), 'containerd');
});

test('a minor without pins loads with a warning and no component versions', () => {
  const m = loadCluster(INV, config('  kubernetes:\n    kube_version: v1.36.0\n'));
  assert.equal(getVar(m.vars, 'etcd.etcd_version'), undefined);
  assert.ok(
    m.warnings.some((w) => /kube_version v1\.36\.0: kk has no pinned component versions for it \(it has v1\.23–v1\.34\)/.test(w)),
    m.warnings.join('\n'),
  );
});

test('versionDefaults: every supported minor has a full set; unknown minors have none', () => {
  for (let minor = 23; minor <= 34; minor++) {
    const pins = versionDefaults(`v1.${minor}.0`);
    assert.ok(pins, `v1.${minor}`);
    for (const key of ['etcd.etcd_version', 'cri.containerd_version', 'cni.calico_version', 'dns.coredns.image.tag', 'kubernetes.sandbox_image.tag']) {
      assert.ok(getString(pins, key), `v1.${minor} ${key}`);
    }
  }
  assert.equal(versionDefaults('v1.22.0'), null);
  assert.equal(versionDefaults('not-a-version'), null);
});
