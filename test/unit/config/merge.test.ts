import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deepMerge, setIn, mergeLayers } from '../../../coordinator/config/merge';
import type { Vars } from '../../../coordinator/model/cluster';

test('deepMerge layers maps key by key, replaces lists and scalars, and a null never wipes a value', () => {
  const low: Vars = { a: { b: 1, c: [1, 2] }, keep: 'x', n: 5 };
  const high: Vars = { a: { c: [3] }, n: null, added: { d: true } };
  assert.deepEqual(deepMerge(low, high), { a: { b: 1, c: [3] }, keep: 'x', n: 5, added: { d: true } });
  assert.deepEqual(mergeLayers([{ a: 1 }, { b: 2 }, { a: 3 }]), { a: 3, b: 2 });
});

test('merged trees share untouched maps, and setIn copies along its path so no other tree changes', () => {
  const defaults: Vars = { kubernetes: { apiserver: { port: 6443 }, kube_version: 'v1.33.1' }, etcd: { port: 2379 } };
  const hostA = deepMerge(defaults, { internal_ipv4: '10.0.0.1' });
  const hostB = deepMerge(defaults, { internal_ipv4: '10.0.0.2' });
  assert.equal(hostA.etcd, defaults.etcd, 'untouched subtrees are shared, not copied');
  assert.ok(setIn(hostA, ['kubernetes', 'apiserver', 'port'], 8443));
  assert.deepEqual(hostA.kubernetes, { apiserver: { port: 8443 }, kube_version: 'v1.33.1' });
  assert.deepEqual(hostB.kubernetes, { apiserver: { port: 6443 }, kube_version: 'v1.33.1' }, 'another host is unchanged');
  assert.deepEqual(defaults.kubernetes, { apiserver: { port: 6443 }, kube_version: 'v1.33.1' }, 'the defaults are unchanged');
  assert.ok(setIn(hostB, ['new', 'deep', 'key'], 'v'));
  assert.deepEqual(hostB.new, { deep: { key: 'v' } });
  assert.equal(setIn({ a: 'scalar' }, ['a', 'b'], 1), false, 'a scalar where a map belongs is left alone');
});
