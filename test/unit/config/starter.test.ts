import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { UserError } from '../../../shared/errors';
import { getString, loadCluster, SUPPORTED_KUBE_MINORS, starterConfig, starterInventory, versionDefaults } from '../../../coordinator/inventory';
import { tempFile } from '../inventory/helpers';

test('starter inventory and config for every supported minor load without errors or warnings', () => {
  const inv = tempFile('inventory.yaml', starterInventory());
  for (const minor of SUPPORTED_KUBE_MINORS) {
    const version = `${minor}.2`;
    const cfg = tempFile(`config-${version}.yaml`, starterConfig(version));
    const m = loadCluster(inv, cfg);
    assert.deepEqual(m.warnings, [], `${version}: ${m.warnings.join('\n')}`);
    assert.equal(getString(m.vars, 'kubernetes.kube_version'), version);
    assert.deepEqual(m.groups.k8s_cluster, ['localhost']);
    assert.deepEqual(m.groups.kube_control_plane, ['localhost']);
  }
});

test('the starter config pins the version-specific component versions in the file itself', () => {
  for (const version of ['v1.28.15', 'v1.33.1']) {
    const doc = parse(starterConfig(version)) as { spec: Record<string, Record<string, unknown>> };
    const pins = versionDefaults(version)!;
    const spec = doc.spec;
    assert.equal((spec.kubernetes as { kube_version: string }).kube_version, version);
    assert.equal((spec.etcd as { etcd_version: string }).etcd_version, getString(pins, 'etcd.etcd_version'));
    assert.equal((spec.cni as { calico_version: string }).calico_version, getString(pins, 'cni.calico_version'));
    assert.equal((spec.cri as { crictl_version: string }).crictl_version, getString(pins, 'cri.crictl_version'));
    assert.equal((spec.cri as { container_manager: string }).container_manager, getString(pins, 'cri.container_manager'));
    assert.equal((spec.kubernetes as { sandbox_image: { tag: string } }).sandbox_image.tag, getString(pins, 'kubernetes.sandbox_image.tag'));
  }
  assert.notEqual(starterConfig('v1.28.15'), starterConfig('v1.33.1').replace(/v1\.33\.1/g, 'v1.28.15'));
  assert.match(starterConfig('1.30.0'), /kube_version: v1\.30\.0/);
  assert.match(starterConfig('v1.23.0'), /container_manager: docker/);
  assert.match(starterConfig('v1.33.1'), /^\s+# /m, 'the file is commented');
});

test('starter config refuses a non-version or an unsupported minor with exit code 2', () => {
  for (const [bad, msg] of [
    ['latest', /"latest" is not a version/],
    ['v1.22.0', /v1\.23–v1\.34 only/],
  ] as const) {
    assert.throws(
      () => starterConfig(bad),
      (err: unknown) => err instanceof UserError && err.exitCode === 2 && msg.test(err.message),
    );
  }
});
