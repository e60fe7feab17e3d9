// Derived values per host: the shared-derivation shortcut must give exactly what deriving each
// host on its own gives (values and key order), and its list of keys must cover everything
// applyDerived reads or writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDerived, DERIVED_TOP_KEYS } from '../../../coordinator/config/derived';
import type { DeriveContext } from '../../../coordinator/config/derived';
import { builtinDefaults } from '../../../coordinator/config/defaults';
import { deepMerge, mergeLayers } from '../../../coordinator/config/merge';
import { HostVarsDeriver } from '../../../coordinator/inventory/host-vars';
import { loadCluster } from '../../../coordinator/inventory';
import type { Vars } from '../../../coordinator/model/cluster';
import { tempFile } from './helpers';

function keyOrder(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(keyOrder);
  if (v !== null && typeof v === 'object') return Object.entries(v).map(([k, x]) => [k, keyOrder(x)]);
  return v;
}

/** Contexts that drive applyDerived down each of its branches. */
function contexts(registryVars: Vars): DeriveContext[] {
  return [
    { groups: {}, hostVars: () => undefined },
    { groups: { image_registry: ['reg1'], nfs: ['nfs1'] }, hostVars: () => registryVars },
  ];
}

const LAYERS: Vars[] = [
  {},
  { image_registry: { type: 'harbor' } },
  { image_registry: { type: 'harbor', ha_vip: '10.0.0.100' }, zone: 'cn' },
  { zone: 'cn', cri: { container_manager: 'docker' }, kubernetes: { kube_version: 'v1.30.1' } },
  { cri: { container_manager: 'containerd' }, cni: { service_cidr: '10.96.0.0/12' }, etcd: { etcd_version: 'v3.5.21' } },
  { work_dir: '/opt/kk', kubernetes: { apiserver: { port: 8443 } } },
  { kubernetes: 'not a map', dns: null, storage_class: { nfs: { server: 'given' } } },
];

test('DERIVED_TOP_KEYS lists every top-level key applyDerived reads or writes', () => {
  for (const layer of LAYERS) {
    for (const ctx of contexts({ internal_ipv4: '10.0.0.9' })) {
      const touched = new Set<string>();
      const target = deepMerge(builtinDefaults(), layer);
      const watched = new Proxy(target, {
        get(t, k, r) {
          if (typeof k === 'string') touched.add(k);
          return Reflect.get(t, k, r) as unknown;
        },
        set(t, k, v, r) {
          if (typeof k === 'string') touched.add(k);
          return Reflect.set(t, k, v, r);
        },
        has(t, k) {
          if (typeof k === 'string') touched.add(k);
          return Reflect.has(t, k);
        },
      });
      applyDerived(watched, ctx);
      for (const k of touched) assert.ok(DERIVED_TOP_KEYS.has(k), `applyDerived touches "${k}", missing from DERIVED_TOP_KEYS`);
    }
  }
});

test('shared derivation equals deriving each host on its own, key order included', () => {
  const hostLayers: Vars[] = [
    {},
    { internal_ipv4: '10.0.0.1' },
    { internal_ipv4: '10.0.0.2', internal_ipv6: 'fd00::2' },
    { custom: { a: 1 } },
    { native: { timezone: 'UTC' } },
    { tmp_dir: null },
    { '10': 'numeric key' },
    { toString: 'x' },
    // These set keys derivation reads: each must be derived on its own.
    { work_dir: '/data/kk' },
    { image_registry: { type: 'harbor' } },
    { kubernetes: { kube_version: 'v1.29.0' } },
    { etcd: { etcd_version: 'v3.5.9' } },
    { cni: { service_cidr: '10.100.0.0/16' } },
    { zone: 'cn' },
    { binary_dir: '/bin/kk' },
  ];
  const configs: Vars[] = [{}, { kubernetes: { kube_version: 'v1.33.1' }, cni: { pod_cidr: '10.0.0.0/8' }, extra_top: 1 }, { internal_ipv4: '9.9.9.9' }];
  let cases = 0;
  for (const groupLayer of LAYERS) {
    for (const config of configs) {
      for (const ctx of contexts({ internal_ipv6: 'fd00::9' })) {
        const prefix = mergeLayers([builtinDefaults(), groupLayer]);
        const deriver = new HostVarsDeriver(config, ctx);
        for (const hostVars of hostLayers) {
          const expected = applyDerived(deepMerge(deepMerge(prefix, hostVars), config), ctx);
          const got = deriver.vars(prefix, hostVars, deepMerge(deepMerge(prefix, hostVars), config));
          assert.deepStrictEqual(got, expected, JSON.stringify({ groupLayer, config, hostVars }));
          assert.deepStrictEqual(keyOrder(got), keyOrder(expected), `key order: ${JSON.stringify({ groupLayer, config, hostVars })}`);
          cases++;
        }
        assert.deepStrictEqual(prefix, mergeLayers([builtinDefaults(), groupLayer]), 'the shared prefix is never changed');
      }
    }
  }
  assert.ok(cases > 500);
});

test('a loaded inventory: group-mates share derived values, a host with its own work_dir derives its own', () => {
  const inv = tempFile(
    'derive.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1: { internal_ipv4: 10.0.0.1 }
    n2: { internal_ipv4: 10.0.0.2 }
    n3: { internal_ipv4: 10.0.0.3, work_dir: /data/kk }
  groups:
    kube_control_plane: { hosts: [n1] }
    kube_worker: { hosts: [n2, n3] }
    k8s_cluster: { groups: [kube_control_plane, kube_worker] }
    etcd: { hosts: [n1] }
`,
  );
  const model = loadCluster(inv, null);
  const [n1, n2, n3] = model.hosts;
  assert.equal(n1!.vars.binary_dir, '/root/kubekey/kubekey');
  assert.equal(n2!.vars.binary_dir, '/root/kubekey/kubekey');
  assert.equal(n3!.vars.binary_dir, '/data/kk/kubekey');
  assert.equal(n2!.vars.internal_ipv4, '10.0.0.2');
  assert.equal((n3!.vars.etcd as Vars).ca_file, '/data/kk/pki/root.crt');
  assert.equal((n2!.vars.etcd as Vars).ca_file, '/root/kubekey/pki/root.crt');
  assert.equal(((n2!.vars.dns as Vars).coredns as Vars).ip, '10.233.0.3');
});
