import { test } from 'node:test';
import assert from 'node:assert/strict';
import { criContainerManager } from '../../../../coordinator/precheck/rules/cri/container-manager';
import { criContainerdVersion } from '../../../../coordinator/precheck/rules/cri/containerd-version';
import { cniVersion } from '../../../../coordinator/precheck/rules/cni/version';
import { context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

test('cri.container_manager: default containerd passes; others fail', () => {
  assert.equal(resultOf(criContainerManager, context(threeNodes())).status, 'pass');
  assert.equal(resultOf(criContainerManager, context(threeNodes({ cri: { container_manager: 'docker' } }))).status, 'pass');
  assert.match(resultOf(criContainerManager, context(threeNodes({ cri: { container_manager: 'crio' } }))).message, /"crio" is not supported/);
});

test('cri.container_manager: the allowed list is compared in any case, as the loaded value is', () => {
  const allowed = { cluster_require: { require_container_manager: ['Docker', 'Containerd'] } };
  assert.equal(resultOf(criContainerManager, context(threeNodes({ ...allowed, cri: { container_manager: 'containerd' } }))).status, 'pass');
});

test('cri.containerd_version: configured and running versions ≥ v1.6.0', () => {
  const running = (version: string | null) => ({
    services: { ...healthyFacts('x', '10.0.0.1').services!, containerd: { loadState: 'loaded', activeState: 'active', version } },
  });
  const base = threeNodes({ cri: { containerd_version: 'v1.7.13' } });
  assert.equal(resultOf(criContainerdVersion, context(base), 'node2').status, 'pass');
  assert.match(
    resultOf(criContainerdVersion, context(threeNodes({ cri: { containerd_version: 'v1.5.9' } })), 'node2').message,
    /cri\.containerd_version v1\.5\.9 is older than the required v1\.6\.0/,
  );
  const old = resultOf(criContainerdVersion, context(base, factsFor(base, { node2: running('1.5.11') })), 'node2');
  assert.match(old.message, /containerd 1\.5\.11 is already running/);
  assert.equal(resultOf(criContainerdVersion, context(base, factsFor(base, { node2: running('1.7.2') })), 'node2').status, 'pass');
  assert.match(
    resultOf(criContainerdVersion, context(base, factsFor(base, { node2: running(null) })), 'node2').message,
    /^unknown: version of the running containerd/,
  );
  assert.equal(resultOf(criContainerdVersion, context(threeNodes({ cri: { container_manager: 'docker' } })), 'node2').status, 'skip');
});

test('cni.version: plugin minor must list the Kubernetes minor; kubeovn and kube-ovn alike', () => {
  const at = (vars: Parameters<typeof threeNodes>[0]) => resultOf(cniVersion, context(threeNodes(vars)));
  assert.equal(at({ cni: { type: 'calico' } }).status, 'skip');
  assert.equal(at({ cni: { type: 'calico', calico_version: 'v3.31.3' } }).status, 'pass');
  const r = at({ cni: { type: 'calico', calico_version: 'v3.27.2' } });
  assert.equal(r.status, 'fail');
  assert.match(r.message, /Calico v3\.27\.2 does not support Kubernetes v1\.33/);
  assert.equal(at({ cni: { type: 'cilium', cilium_version: '1.19.1' } }).status, 'pass');
  assert.equal(at({ cni: { type: 'cilium', cilium_version: '1.14.19' } }).status, 'fail');
  for (const type of ['kubeovn', 'kube-ovn']) {
    assert.equal(at({ cni: { type, kubeovn_version: 'v1.15.0' } }).status, 'pass', type);
    assert.match(at({ cni: { type, kubeovn_version: 'v1.13.15' } }).message, /Kube-OVN v1\.13\.15 does not support/, type);
  }
  assert.match(at({ cni: { type: 'calico', calico_version: 'v3.20.0' } }).message, /not in cluster_require\.calico_allowed_versions/);
  assert.match(at({ cni: { type: 'flannel', multi_cni: 'spiderpool' } }).message, /spiderpool needs cni\.type calico or cilium, not flannel/);
  assert.equal(at({ cni: { type: 'cilium', multi_cni: 'spiderpool' } }).status, 'pass');
});
