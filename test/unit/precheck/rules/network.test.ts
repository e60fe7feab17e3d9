import { test } from 'node:test';
import assert from 'node:assert/strict';
import { networkInterface } from '../../../../coordinator/precheck/rules/network/interface';
import { networkCidr } from '../../../../coordinator/precheck/rules/network/cidr';
import { networkDualStack } from '../../../../coordinator/precheck/rules/network/dual-stack';
import { networkPlugin } from '../../../../coordinator/precheck/rules/network/plugin';
import { networkPodAddressSpace } from '../../../../coordinator/precheck/rules/network/pod-address-space';
import { networkHybridnet } from '../../../../coordinator/precheck/rules/network/hybridnet';
import { networkCidrOverlap } from '../../../../coordinator/precheck/rules/network/cidr-overlap';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

test('network.interface: the internal address is on an interface (IPv6 compared canonically)', () => {
  const model = threeNodes({}, { node2: { internal_ipv6: 'fd00:0:0::12' }, node3: { internal_ipv4: '10.0.0.99' } });
  const base = healthyFacts('node2', '10.0.0.12').interfaces!;
  const withV6 = base.map((i) =>
    i.name === 'eth0' ? { ...i, addresses: [...i.addresses, { family: 'IPv6' as const, address: 'fd00::12', prefixLength: 64 }] } : i,
  );
  const ctx = context(model, factsFor(model, { node2: { interfaces: withV6 }, node3: { interfaces: healthyFacts('node3', '10.0.0.13').interfaces } }));
  assert.equal(resultOf(networkInterface, ctx, 'node1').status, 'pass');
  assert.match(resultOf(networkInterface, ctx, 'node2').message, /10\.0\.0\.12 on eth0, fd00:0:0::12 on eth0/);
  assert.match(resultOf(networkInterface, ctx, 'node3').message, /10\.0\.0\.99 is not assigned to any interface of node3/);
  const unknown = context(model, factsFor(model, { node1: null }));
  assert.match(resultOf(networkInterface, unknown, 'node1').message, /^unknown: facts of node1 are unknown/);
});

test('network.cidr: defaults pass; the four written forms; errors name the key', () => {
  assert.equal(resultOf(networkCidr, context(threeNodes())).status, 'pass');
  for (const pod of ['10.233.64.0/18,fd85:ee78::/108', '10.233.64.0/18/fd85:ee78::/108', 'fd85:ee78::/108']) {
    assert.equal(resultOf(networkCidr, context(threeNodes({ cni: { pod_cidr: pod } }))).status, 'pass', pod);
  }
  const bad = resultOf(networkCidr, context(threeNodes({ cni: { service_cidr: '10.0.0.0/8,10.1.0.0/16' } })));
  assert.match(bad.message, /cni\.service_cidr: .* two IPv4 CIDRs/);
  assert.match(
    resultOf(networkCidr, context(threeNodes({ cni: { pod_cidr: '10.233.64.0/33' } }))).message,
    /cni\.pod_cidr: "10\.233\.64\.0\/33" is not a valid CIDR/,
  );
});

test('network.dual_stack: applies to two-family CIDRs; IPv4 first; kube ≥ 1.20', () => {
  assert.equal(resultOf(networkDualStack, context(threeNodes())).status, 'skip');
  const ok = threeNodes({ cni: { pod_cidr: '10.233.64.0/18/fd85:ee78::/108', service_cidr: '10.233.0.0/18,fd85:ee78:1::/108' } });
  assert.equal(resultOf(networkDualStack, context(ok)).status, 'pass');
  const v6First = threeNodes({ cni: { pod_cidr: 'fd85:ee78::/108,10.233.64.0/18' } });
  assert.match(resultOf(networkDualStack, context(v6First)).message, /cni\.pod_cidr .* lists IPv6 first/);
  const old = threeNodes({ kubernetes: { kube_version: 'v1.19.16' }, cni: { pod_cidr: '10.233.64.0/18,fd85:ee78::/108' } });
  assert.match(resultOf(networkDualStack, context(old)).message, /needs Kubernetes ≥ v1\.20\.0, kube_version is v1\.19\.16/);
});

test('network.plugin: kubeovn and kube-ovn are the same plugin', () => {
  assert.equal(resultOf(networkPlugin, context(cluster({ hosts: [] }))).status, 'skip');
  for (const type of ['calico', 'kubeovn', 'kube-ovn', 'none']) {
    assert.equal(resultOf(networkPlugin, context(threeNodes({ cni: { type } }))).status, 'pass', type);
  }
  assert.match(resultOf(networkPlugin, context(threeNodes({ cni: { type: 'weave' } }))).message, /"weave" is not supported/);
  const listedAsKubeovn = threeNodes({ cni: { type: 'kube-ovn' }, cluster_require: { require_network_plugin: ['kubeovn'] } });
  assert.equal(resultOf(networkPlugin, context(listedAsKubeovn)).status, 'pass');
});

test('network.pod_address_space: max_pods per block, block inside the pool, a block per k8s host', () => {
  assert.equal(resultOf(networkPodAddressSpace, context(threeNodes())).status, 'pass');
  assert.match(
    resultOf(networkPodAddressSpace, context(threeNodes({ kubernetes: { kubelet: { max_pods: 300 } } }))).message,
    /max_pods 300 does not fit a \/24 IPv4 pod block \(254 addresses\)/,
  );
  assert.match(resultOf(networkPodAddressSpace, context(threeNodes({ cni: { ipv4_mask_size: 16 } }))).message, /shorter than the pod pool 10\.233\.64\.0\/18/);
  const tiny = threeNodes({ cni: { pod_cidr: '10.233.64.0/23' } });
  assert.match(resultOf(networkPodAddressSpace, context(tiny)).message, /holds 2 \/24 node blocks but k8s_cluster has 3 hosts/);
  const v6 = threeNodes({ cni: { pod_cidr: '10.233.64.0/18,fd85:ee78::/56', ipv6_mask_size: 64 } });
  assert.equal(resultOf(networkPodAddressSpace, context(v6)).status, 'pass');
  const v6small = threeNodes({ cni: { pod_cidr: 'fd85:ee78::/100', ipv6_mask_size: 122 } });
  assert.match(resultOf(networkPodAddressSpace, context(v6small)).message, /\/122 IPv6 pod block \(62 addresses\)/);
  assert.match(resultOf(networkPodAddressSpace, context(threeNodes({ cni: { pod_cidr: 'nope' } }))).message, /see network\.cidr/);
});

test('network.hybridnet: only for hybridnet, needs 1.16', () => {
  assert.equal(resultOf(networkHybridnet, context(threeNodes({ cni: { type: 'calico' } }))).status, 'skip');
  assert.equal(resultOf(networkHybridnet, context(threeNodes({ cni: { type: 'hybridnet' } }))).status, 'pass');
  assert.equal(resultOf(networkHybridnet, context(threeNodes({ cni: { type: 'hybridnet' }, kubernetes: { kube_version: 'v1.15.3' } }))).status, 'fail');
});

test("network.cidr_overlap: pod vs service, and vs the hosts' subnets from the facts", () => {
  assert.equal(resultOf(networkCidrOverlap, context(threeNodes())).status, 'pass');
  assert.match(
    resultOf(networkCidrOverlap, context(threeNodes({ cni: { service_cidr: '10.233.0.0/16' } }))).message,
    /pod_cidr 10\.233\.64\.0\/18 overlaps cni\.service_cidr 10\.233\.0\.0\/16/,
  );
  const clash = threeNodes({ cni: { pod_cidr: '10.0.0.0/16', ipv4_mask_size: 24 } });
  const r = resultOf(networkCidrOverlap, context(clash));
  assert.match(r.message, /cni\.pod_cidr 10\.0\.0\.0\/16 overlaps the node subnet 10\.0\.0\.0\/24 of node1, node2 and node3/);
  // The interface prefix matters: a /8 interface overlaps a pool the address itself is outside of.
  const wide = threeNodes({ cni: { pod_cidr: '10.233.64.0/18' } });
  const eth = healthyFacts('node2', '10.0.0.12').interfaces!.map((i) =>
    i.name === 'eth0' ? { ...i, addresses: [{ family: 'IPv4' as const, address: '10.0.0.12', prefixLength: 8 }] } : i,
  );
  assert.match(resultOf(networkCidrOverlap, context(wide, factsFor(wide, { node2: { interfaces: eth } }))).message, /node subnet 10\.0\.0\.0\/8 of node2/);
  const unknown = resultOf(networkCidrOverlap, context(wide, factsFor(wide, { node3: null })));
  assert.equal(unknown.status, 'fail');
  assert.match(unknown.message, /unknown: subnet of node3 unknown/);
});
