import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubernetesInternalIp } from '../../../../coordinator/precheck/rules/kubernetes/internal-ip';
import { kubernetesKubeVip } from '../../../../coordinator/precheck/rules/kubernetes/kube-vip';
import { kubernetesVersion } from '../../../../coordinator/precheck/rules/kubernetes/version';
import { kubernetesInstalled } from '../../../../coordinator/precheck/rules/kubernetes/installed';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

test('kubernetes.internal_ip: set and of the right family, k8s hosts only', () => {
  const model = cluster({
    hosts: [
      { name: 'ok', groups: ['kube_worker'], vars: { internal_ipv4: '10.0.0.1', internal_ipv6: 'fd00::1' } },
      { name: 'none', groups: ['kube_worker'] },
      { name: 'swapped', groups: ['kube_worker'], vars: { internal_ipv4: 'fd00::2', internal_ipv6: '10.0.0.2' } },
      { name: 'etcd-only', groups: ['etcd'] },
    ],
  });
  const ctx = context(model, new Map());
  assert.equal(resultOf(kubernetesInternalIp, ctx, 'ok').status, 'pass');
  assert.match(resultOf(kubernetesInternalIp, ctx, 'none').message, /neither internal_ipv4 nor internal_ipv6/);
  const s = resultOf(kubernetesInternalIp, ctx, 'swapped').message;
  assert.match(s, /internal_ipv4 "fd00::2" is not an IPv4 address/);
  assert.match(s, /internal_ipv6 "10\.0\.0\.2" is not an IPv6 address/);
  assert.equal(resultOf(kubernetesInternalIp, ctx, 'etcd-only').status, 'skip');
});

test('kubernetes.kube_vip: valid, not a host address, on no interface', () => {
  const vip = (address: string) => ({ kubernetes: { control_plane_endpoint: { type: 'kube-vip', kube_vip: { address } } } });
  assert.equal(resultOf(kubernetesKubeVip, context(threeNodes())).status, 'skip');
  assert.equal(resultOf(kubernetesKubeVip, context(threeNodes(vip('10.0.0.100')))).status, 'pass');
  assert.match(resultOf(kubernetesKubeVip, context(threeNodes(vip('10.0.0.300')))).message, /not an IPv4 or IPv6 address/);
  assert.match(resultOf(kubernetesKubeVip, context(threeNodes(vip('10.0.0.12')))).message, /internal address of node2/);
  const model = threeNodes(vip('10.0.0.100'));
  const eth0 = healthyFacts('node3', '10.0.0.13').interfaces!;
  const taken = factsFor(model, {
    node3: {
      interfaces: [
        ...eth0,
        { name: 'eth1', mac: 'aa:bb:cc:dd:ee:ff', mtu: 1500, up: true, addresses: [{ family: 'IPv4', address: '10.0.0.100', prefixLength: 32 }] },
      ],
    },
  });
  assert.match(resultOf(kubernetesKubeVip, context(model, taken)).message, /already assigned on node3/);
  const unknown = factsFor(model, { node2: { interfaces: null, probeErrors: { interfaces: 'netlink error' } } });
  const r = resultOf(kubernetesKubeVip, context(model, unknown));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /unknown: node2: interfaces unknown \(netlink error\)/);
});

test('kubernetes.version: set and ≥ the minimum', () => {
  assert.equal(resultOf(kubernetesVersion, context(threeNodes())).status, 'pass');
  assert.match(resultOf(kubernetesVersion, context(cluster({ hosts: [] }))).message, /kube_version is not set/);
  assert.match(resultOf(kubernetesVersion, context(threeNodes({ kubernetes: { kube_version: 'v1.22.17' } }))).message, /older than the minimum v1\.23\.0/);
  assert.equal(
    resultOf(kubernetesVersion, context(threeNodes({ kubernetes: { kube_version: 'v1.22.17' }, cluster_require: { kube_version_min_required: 'v1.20.0' } })))
      .status,
    'pass',
  );
});

test('kubernetes.installed: no kubelet passes; inactive or other version fails; unknown version is unknown', () => {
  const model = threeNodes();
  const svc = (s: { loadState: string; activeState: string; version: string | null }) => ({
    services: { ...healthyFacts('x', '10.0.0.1').services!, kubelet: s },
  });
  const ctx = context(
    model,
    factsFor(model, {
      node1: svc({ loadState: 'loaded', activeState: 'active', version: '1.33.1' }),
      node2: svc({ loadState: 'loaded', activeState: 'failed', version: '1.33.1' }),
      node3: svc({ loadState: 'loaded', activeState: 'active', version: '1.32.0' }),
    }),
  );
  assert.equal(resultOf(kubernetesInstalled, ctx, 'node1').status, 'pass');
  assert.match(resultOf(kubernetesInstalled, ctx, 'node2').message, /installed but failed/);
  assert.match(resultOf(kubernetesInstalled, ctx, 'node3').message, /kubelet 1\.32\.0 is installed but kube_version is v1\.33\.1/);
  assert.equal(resultOf(kubernetesInstalled, context(model), 'node2').status, 'pass');
  const noSystemd = context(model, factsFor(model, { node2: { services: null, probeErrors: { services: 'systemd is not running' } } }));
  assert.match(resultOf(kubernetesInstalled, noSystemd, 'node2').message, /unknown.*systemd is not running/);
  const noVersion = context(
    model,
    factsFor(model, {
      node2: {
        ...svc({ loadState: 'loaded', activeState: 'active', version: null }),
        probeErrors: { 'services.kubelet.version': 'kubelet --version timed out' },
      },
    }),
  );
  assert.match(resultOf(kubernetesInstalled, noVersion, 'node2').message, /unknown.*timed out/);
});
