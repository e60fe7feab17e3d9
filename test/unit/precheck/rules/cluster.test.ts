import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterUniqueHostname } from '../../../../coordinator/precheck/rules/cluster/unique-hostname';
import { clusterUniqueMachineId } from '../../../../coordinator/precheck/rules/cluster/unique-machine-id';
import { clusterUniqueProductUuid } from '../../../../coordinator/precheck/rules/cluster/unique-product-uuid';
import { clusterUniqueMac } from '../../../../coordinator/precheck/rules/cluster/unique-mac';
import { clusterUniqueInternalIp } from '../../../../coordinator/precheck/rules/cluster/unique-internal-ip';
import { clusterClockSkew } from '../../../../coordinator/precheck/rules/cluster/clock-skew';
import { clusterMtu } from '../../../../coordinator/precheck/rules/cluster/mtu';
import { clusterReachability } from '../../../../coordinator/precheck/rules/cluster/reachability';
import type { ReachabilityProbe } from '../../../../coordinator/precheck/rule';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

test('cluster.unique_hostname: live names compared in lower case when nodes keep them', () => {
  const model = threeNodes({ native: { set_hostname: false } });
  const dup = resultOf(clusterUniqueHostname, context(model, factsFor(model, { node2: { hostname: 'Node1' } })));
  assert.equal(dup.status, 'fail');
  assert.match(dup.message, /node1 and node2 would all be node "node1"/);
  assert.equal(resultOf(clusterUniqueHostname, context(model)).status, 'pass');
  const unknown = resultOf(clusterUniqueHostname, context(model, factsFor(model, { node3: null })));
  assert.equal(unknown.status, 'fail');
  assert.match(unknown.message, /^unknown: node3:/);
});

test('cluster.unique_hostname: with native.set_hostname the inventory name is the node name', () => {
  const model = threeNodes();
  // Fresh clones all called "debian": kk renames them, so this is fine.
  const clones = factsFor(model, { node1: { hostname: 'debian' }, node2: { hostname: 'debian' }, node3: { hostname: 'debian' } });
  assert.equal(resultOf(clusterUniqueHostname, context(model, clones)).status, 'pass');
  const caseClash = cluster({
    hosts: [
      { name: 'Web', groups: ['kube_worker'] },
      { name: 'web', groups: ['kube_worker'] },
    ],
  });
  assert.match(resultOf(clusterUniqueHostname, context(caseClash, new Map())).message, /Web and web would all be node "web"/);
});

test('cluster.unique_machine_id: cloned VMs', () => {
  const model = threeNodes();
  const r = resultOf(clusterUniqueMachineId, context(model, factsFor(model, { node3: { machineId: healthyFacts('node1', '10.0.0.11').machineId } })));
  assert.match(r.message, /node1 and node3 share machine-id/);
  assert.equal(resultOf(clusterUniqueMachineId, context(model)).status, 'pass');
  assert.match(
    resultOf(clusterUniqueMachineId, context(model, factsFor(model, { node2: { machineId: null, probeErrors: { machineId: 'ENOENT' } } }))).message,
    /^unknown: .*ENOENT/,
  );
});

test('cluster.unique_product_uuid: known values only, k8s hosts', () => {
  const model = threeNodes();
  const same = '4C4C4544-0000-0000-0000-00000000AAAA';
  assert.match(
    resultOf(clusterUniqueProductUuid, context(model, factsFor(model, { node2: { productUuid: same }, node3: { productUuid: same.toLowerCase() } }))).message,
    /node2 and node3 share product_uuid/,
  );
  const unreadable = resultOf(
    clusterUniqueProductUuid,
    context(model, factsFor(model, { node2: { productUuid: null, probeErrors: { productUuid: 'permission denied' } } })),
  );
  assert.equal(unreadable.status, 'pass');
  assert.match(unreadable.message, /not readable on node2/);
});

test('cluster.unique_mac: MACs of the internal interfaces', () => {
  const model = threeNodes();
  const ifaces = healthyFacts('node3', '10.0.0.13').interfaces!.map((i) => (i.name === 'eth0' ? { ...i, mac: '52:54:00:12:34:0C' } : i));
  const r = resultOf(clusterUniqueMac, context(model, factsFor(model, { node3: { interfaces: ifaces } })));
  assert.match(r.message, /node2 and node3 share MAC 52:54:00:12:34:0c/);
  assert.equal(resultOf(clusterUniqueMac, context(model)).status, 'pass', 'loopback MACs are not compared');
});

test('cluster.unique_internal_ip: from the inventory, canonical IPv6', () => {
  const model = threeNodes({}, { node2: { internal_ipv6: 'fd00::1' }, node3: { internal_ipv6: 'fd00:0::1' } });
  assert.match(resultOf(clusterUniqueInternalIp, context(model, new Map())).message, /node2 and node3 share internal address fd00::1/);
  assert.equal(resultOf(clusterUniqueInternalIp, context(threeNodes(), new Map())).status, 'pass');
});

test('cluster.clock_skew: offsets within the maximum; no offset known → skip', () => {
  const model = threeNodes();
  assert.equal(resultOf(clusterClockSkew, context(model)).status, 'skip');
  const r = resultOf(clusterClockSkew, context(model, factsFor(model, { node1: { clockOffsetMs: 12 }, node2: { clockOffsetMs: -4200 } })));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /node2 -4200 ms.*no offset known for node3/);
  assert.equal(
    resultOf(clusterClockSkew, context(threeNodes({ cluster_require: { max_clock_skew_ms: 5000 } }), factsFor(model, { node2: { clockOffsetMs: -4200 } })))
      .status,
    'pass',
  );
});

test('cluster.mtu: one MTU on the internal interfaces, warning otherwise', () => {
  const model = threeNodes();
  const jumbo = healthyFacts('node3', '10.0.0.13').interfaces!.map((i) => (i.name === 'eth0' ? { ...i, mtu: 9000 } : i));
  const r = resultOf(clusterMtu, context(model, factsFor(model, { node3: { interfaces: jumbo } })));
  assert.equal(r.status, 'warn');
  assert.match(r.message, /1500 on node1 and node2; 9000 on node3/);
  assert.match(resultOf(clusterMtu, context(model)).message, /share one MTU \(1500\)/);
});

function allProbes(ok: (p: Omit<ReachabilityProbe, 'ok'>) => boolean): ReachabilityProbe[] {
  const pairs: Omit<ReachabilityProbe, 'ok'>[] = [];
  const k8s = ['node1', 'node2', 'node3'];
  for (const s of k8s) {
    if (s !== 'node1') pairs.push({ source: s, target: 'node1', port: 6443 });
    for (const t of k8s) if (s !== t) pairs.push({ source: s, target: t, port: 10250 });
  }
  return pairs.map((p) => ({ ...p, ok: ok(p), ...(ok(p) ? {} : { error: 'connection refused' }) }));
}

test('cluster.reachability: live only; failing and missing probes are reported', () => {
  const model = threeNodes();
  assert.equal(resultOf(clusterReachability, context(model)).status, 'skip');
  const live = (probes: ReachabilityProbe[]) => context(model, factsFor(model), { mode: 'live', probes });
  assert.equal(resultOf(clusterReachability, live(allProbes(() => true))).status, 'pass');
  const blocked = resultOf(clusterReachability, live(allProbes((p) => !(p.source === 'node3' && p.port === 6443))));
  assert.equal(blocked.status, 'fail');
  assert.match(blocked.message, /1 connection failed: node3 → node1:6443 \(connection refused\)/);
  const missing = resultOf(clusterReachability, live(allProbes(() => true).filter((p) => !(p.source === 'node2' && p.target === 'node3'))));
  assert.equal(missing.status, 'fail');
  assert.match(missing.message, /^unknown: 1 probe was not run: node2 → node3:10250/);
});
