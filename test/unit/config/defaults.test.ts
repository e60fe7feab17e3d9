import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBool, getNumber, getString, getStringList, getVar, loadCluster } from '../../../coordinator/inventory';
import { fixture, tempFile } from '../inventory/helpers';

const INV = fixture('kubekey-sample-inventory.yaml');
const config = (spec: string): string => tempFile('config.yaml', `apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec:\n${spec}`);

test('cluster_require defaults: kk memory minimums, KubeKey tables', () => {
  const v = loadCluster(INV, null).vars;
  assert.equal(getNumber(v, 'cluster_require.minimal_master_memory_mb'), 1700);
  assert.equal(getNumber(v, 'cluster_require.minimal_node_memory_mb'), 1024);
  assert.equal(getString(v, 'cluster_require.min_kernel_version'), '4.9.17');
  assert.equal(getNumber(v, 'cluster_require.etcd_disk_wal_fysnc_duration_seconds'), 10000000);
  assert.deepEqual(getStringList(v, 'cluster_require.supported_os_distributions'), ['ubuntu', 'debian', 'centos', 'kylin', 'rocky']);
  assert.equal(getString(v, ['cluster_require', 'etcd_min_versions', 'v1.33']), 'v3.5.21-0', 'keys containing dots are read by segment list');
  const etcdMin = getVar(v, 'cluster_require.etcd_min_versions') as Record<string, string>;
  assert.equal(etcdMin['v1.27'], 'v3.2.18');
  assert.equal(etcdMin['v1.30'], 'v3.4.13-4');
  assert.equal(etcdMin['v1.31.14'], 'v3.5.24-0');
  assert.equal(etcdMin['v1.33.5'], 'v3.5.11-0');
  assert.equal(etcdMin['v1.33'], 'v3.5.21-0');
  assert.equal(etcdMin['v1.34.1'], 'v3.5.21-0');
  assert.equal(etcdMin['v1.34'], 'v3.5.24-0');
  const calico = getVar(v, 'cluster_require.calico_allowed_versions') as Record<string, string[]>;
  assert.deepEqual(calico['v3.29']?.at(-1), 'v1.32');
  assert.deepEqual(calico['v3.27'], ['v1.23', 'v1.24', 'v1.25', 'v1.26', 'v1.27', 'v1.28', 'v1.29']);
  const cilium = getVar(v, 'cluster_require.cilium_allowed_versions') as Record<string, string[]>;
  assert.equal(cilium['1.15']?.at(-1), 'v1.29');
  const ovn = getVar(v, 'cluster_require.kubeovn_allowed_versions') as Record<string, string[]>;
  assert.equal(ovn['v1.13']?.at(-1), 'v1.28');
  assert.equal(ovn['v1.14']?.at(-1), 'v1.34');
});

test('a Config overrides one table entry and keeps the rest', () => {
  const v = loadCluster(INV, config('  cluster_require:\n    minimal_master_memory_mb: 4096\n    etcd_min_versions:\n      v1.33: v3.5.25\n')).vars;
  assert.equal(getNumber(v, 'cluster_require.minimal_master_memory_mb'), 4096);
  assert.equal(getNumber(v, 'cluster_require.minimal_node_memory_mb'), 1024);
  const etcdMin = getVar(v, 'cluster_require.etcd_min_versions') as Record<string, string>;
  assert.equal(etcdMin['v1.33'], 'v3.5.25');
  assert.equal(etcdMin['v1.34'], 'v3.5.24-0');
});

test('bad table keys and values are load errors', async () => {
  const { loadErrors } = await import('../inventory/helpers');
  const c = config('  cluster_require:\n    etcd_min_versions:\n      latest: v3.5.0\n    calico_allowed_versions:\n      v3.31: [v1.x]\n');
  assert.deepEqual(loadErrors(INV, c), [
    `${c}:6:7 spec.cluster_require.etcd_min_versions.latest: table key "latest" is not a Kubernetes version (e.g. v1.31 or v1.31.14)`,
    `${c}:8:15 spec.cluster_require.calico_allowed_versions["v3.31"][0]: "v1.x" is not a major.minor version (e.g. v1.28)`,
  ]);
});

test('KubeKey defaults that precheck rules read', () => {
  const v = loadCluster(INV, null).vars;
  assert.equal(getString(v, 'etcd.deployment_type'), 'external');
  assert.equal(getString(v, 'etcd.env.data_dir'), '/var/lib/etcd');
  assert.equal(getNumber(v, 'etcd.port'), 2379);
  assert.equal(getNumber(v, 'etcd.peer_port'), 2380);
  assert.equal(getString(v, 'cni.pod_cidr'), '10.233.64.0/18');
  assert.equal(getString(v, 'cni.service_cidr'), '10.233.0.0/18');
  assert.equal(getNumber(v, 'cni.ipv4_mask_size'), 24);
  assert.equal(getNumber(v, 'cni.ipv6_mask_size'), 64);
  assert.equal(getNumber(v, 'kubernetes.kubelet.max_pods'), 110);
  assert.equal(getNumber(v, 'kubernetes.apiserver.port'), 6443);
  assert.equal(getString(v, 'kubernetes.control_plane_endpoint.type'), 'local');
  assert.equal(getString(v, 'kubernetes.control_plane_endpoint.host'), 'lb.kubesphere.local');
  assert.equal(getBool(v, 'native.set_hostname'), true);
  assert.equal(getString(v, 'cri.container_manager'), 'containerd');
  assert.equal(getString(v, 'image_registry.type'), '');
  assert.equal(getString(v, 'certs.ca.gen_cert_policy'), 'IfNotPresent');
  assert.equal(getString(v, 'dns.coredns.ip'), '10.233.0.3');
  assert.equal(getString(v, 'image_registry.dockerio_registry'), 'docker.io');
  assert.equal(getString(v, 'binary_dir'), '/root/kubekey/kubekey');
});

test('derived values follow their inputs unless set', () => {
  const v = loadCluster(
    INV,
    config(`  work_dir: /opt/kk
  cni:
    service_cidr: 10.96.0.0/12
  image_registry:
    auth:
      registry: reg.local:5000/kk
  dns:
    coredns:
      ip: 10.96.0.10
`),
  ).vars;
  assert.equal(getString(v, 'binary_dir'), '/opt/kk/kubekey');
  assert.equal(getString(v, 'dns.coredns.ip'), '10.96.0.10', 'a set value wins over the derived one');
  assert.equal(getString(v, 'image_registry.dockerio_registry'), 'reg.local:5000/kk');
  assert.equal(getString(v, 'kubernetes.image_repository'), 'reg.local:5000/kk/kubernetes');
  assert.equal(getString(v, 'kubernetes.sandbox_image.repository'), 'kubernetes/pause');
  const w = loadCluster(INV, config('  cni:\n    service_cidr: 10.96.0.0/12\n')).vars;
  assert.equal(getString(w, 'dns.coredns.ip'), '10.96.0.3');
});

test('a registry installed on the image_registry group is addressed by its first host', () => {
  const inv = tempFile(
    'inv.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    reg1: {internal_ipv4: 10.0.0.9}
    reg2: {internal_ipv4: 10.0.0.10}
  groups:
    image_registry:
      hosts: [reg1, reg2]
`,
  );
  const v = loadCluster(inv, config('  image_registry:\n    type: harbor\n')).vars;
  assert.equal(getString(v, 'image_registry.auth.registry'), '10.0.0.9');
  assert.equal(getString(v, 'image_registry.auth.username'), 'admin');
  assert.equal(getBool(v, 'image_registry.auth.skip_tls_verify'), false);
  const vip = loadCluster(inv, config('  image_registry:\n    type: harbor\n    ha_vip: 10.0.0.100\n')).vars;
  assert.equal(getString(vip, 'image_registry.auth.registry'), '10.0.0.100');
});
