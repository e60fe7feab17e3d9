import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryGroups } from '../../../../coordinator/precheck/rules/inventory/groups';
import { inventoryAgent } from '../../../../coordinator/precheck/rules/inventory/agent';
import { inventoryEtcdGroup } from '../../../../coordinator/precheck/rules/inventory/etcd-group';
import { cluster, context, factsFor, resultOf, threeNodes } from '../builders';

test('inventory.groups passes on a well-formed inventory', () => {
  const r = resultOf(inventoryGroups, context(threeNodes()));
  assert.equal(r.status, 'pass');
  assert.equal(r.host, null);
});

test('inventory.groups fails on an undefined member, an empty control plane and an empty k8s_cluster', () => {
  const model = cluster({ hosts: [{ name: 'node1', groups: ['etcd'] }], groups: { etcd: ['node1', 'ghost'] } });
  const r = resultOf(inventoryGroups, context(model));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /group etcd lists ghost, not defined/);
  assert.match(r.message, /kube_control_plane is empty/);
  assert.match(r.message, /k8s_cluster has no hosts/);
});

test('inventory.agent: pass with facts, fail naming the reason without', () => {
  const model = threeNodes();
  const facts = factsFor(model, { node2: null });
  facts.delete('node3');
  const live = context(model, facts, { mode: 'live', factErrors: new Map([['node2', 'agent node2 disconnected 5 min ago']]) });
  assert.equal(resultOf(inventoryAgent, live, 'node1').status, 'pass');
  const n2 = resultOf(inventoryAgent, live, 'node2');
  assert.equal(n2.status, 'fail');
  assert.match(n2.message, /agent node2 disconnected 5 min ago/);
  assert.match(resultOf(inventoryAgent, live, 'node3').message, /no agent reported facts/);
  const file = context(model, facts, { mode: 'facts' });
  assert.match(resultOf(inventoryAgent, file, 'node3').message, /fact file has no entry/);
});

test('inventory.etcd_group: applies only with kube_version and external etcd', () => {
  const noVersion = cluster({ hosts: [{ name: 'a', groups: ['kube_control_plane'] }] });
  assert.equal(resultOf(inventoryEtcdGroup, context(noVersion)).status, 'skip');
  const internal = cluster({
    vars: { kubernetes: { kube_version: 'v1.33.1' }, etcd: { deployment_type: 'internal' } },
    hosts: [{ name: 'a', groups: ['kube_control_plane'] }],
  });
  assert.equal(resultOf(inventoryEtcdGroup, context(internal)).status, 'skip');
  const external = cluster({ vars: { kubernetes: { kube_version: 'v1.33.1' } }, hosts: [{ name: 'a', groups: ['kube_control_plane'] }] });
  const r = resultOf(inventoryEtcdGroup, context(external));
  assert.equal(r.status, 'fail');
  assert.match(r.message, /etcd group is empty/);
  assert.equal(resultOf(inventoryEtcdGroup, context(threeNodes())).status, 'pass');
});
