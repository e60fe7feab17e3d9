import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uninstallSteps } from '../../../../coordinator/phases/install/delete';
import { stepInputs } from '../../../../coordinator/phases/install/inputs';
import { model, tempDir } from '../helpers';

const inputs = (spec: string) => stepInputs({ model: model(spec), resolved: [], pkiDir: tempDir(), arches: ['amd64'], param: (_k, make) => make() });
const scriptOf = (spec: unknown): string => (spec as { exec?: { script?: string } }).exec?.script ?? '';

test("delete cluster: kubeadm reset keeps its hands off an external etcd's data; --all adds the runtime, etcd, the registry; data only with --with-data", () => {
  const ext = inputs('  etcd: {deployment_type: external}\n');
  const reset = uninstallSteps({ all: false, withData: false });
  assert.deepEqual(
    reset.map((s) => s.name),
    ['kubernetes-reset'],
  );
  assert.match(scriptOf(reset[0]!.plan(ext, 'node1')[0]!.spec), /kubeadm reset -f --cleanup-tmp-dir --skip-phases remove-etcd-member/);
  assert.match(scriptOf(reset[0]!.plan(ext, 'node1')[0]!.spec), /find \/etc\/cni\/net\.d -mindepth 1/, 'the watched CNI directory is emptied, not removed');
  const stacked = inputs('  etcd: {deployment_type: internal}\n');
  assert.doesNotMatch(scriptOf(reset[0]!.plan(stacked, 'node1')[0]!.spec), /skip-phases/);
  const all = uninstallSteps({ all: true, withData: false });
  assert.deepEqual(
    all.map((s) => s.name),
    ['kubernetes-reset', 'cri-remove', 'etcd-remove', 'image-registry-remove', 'hosts-cleanup'],
  );
  const etcd = all.find((s) => s.name === 'etcd-remove')!;
  assert.doesNotMatch(scriptOf(etcd.plan(ext, 'node1')[1]!.spec), /'\/var\/lib\/etcd'/, 'data kept without --with-data');
  const withData = uninstallSteps({ all: true, withData: true }).find((s) => s.name === 'etcd-remove')!;
  assert.match(scriptOf(withData.plan(ext, 'node1')[1]!.spec), /'\/var\/lib\/etcd'/);
});
