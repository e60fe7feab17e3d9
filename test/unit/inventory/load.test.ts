import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getNumber, getString, getStringList, getVar, loadCluster } from '../../../coordinator/inventory';
import type { ClusterModel, InventoryHost } from '../../../coordinator/model/cluster';
import { fixture, tempFile } from './helpers';

const host = (m: ClusterModel, name: string): InventoryHost => {
  const h = m.hosts.find((x) => x.name === name);
  assert.ok(h, `host ${name} missing`);
  return h;
};

test("KubeKey's own sample inventory and create-config output load unchanged", () => {
  const m = loadCluster(fixture('kubekey-sample-inventory.yaml'), fixture('kubekey-sample-config-v1.33.yaml'));
  // The sample names localhost in groups without listing it in spec.hosts, as KubeKey allows.
  assert.deepEqual(
    m.hosts.map((h) => h.name),
    ['localhost'],
  );
  assert.deepEqual(host(m, 'localhost').groups, ['all', 'k8s_cluster', 'kube_control_plane', 'kube_worker', 'etcd']);
  assert.deepEqual(m.groups.k8s_cluster, ['localhost']);
  assert.deepEqual(m.groups.etcd, ['localhost']);
  assert.equal(m.warnings.length, 1);
  assert.match(m.warnings[0]!, /kubekey-sample-inventory\.yaml:62:11 spec\.groups\.kube_control_plane\.hosts\[0\]: host "localhost" is not in spec\.hosts/);
  assert.equal(getString(m.vars, 'kubernetes.kube_version'), 'v1.33.1');
  assert.equal(getString(m.vars, 'cni.calico_version'), 'v3.31.3');
  assert.equal(getString(m.vars, 'kubernetes.sandbox_image.tag'), '3.10');
  assert.deepEqual(m.sources, { inventory: fixture('kubekey-sample-inventory.yaml'), config: fixture('kubekey-sample-config-v1.33.yaml') });
});

test("KubeKey's HA example: connector settings are dropped with a single warning", () => {
  const m = loadCluster(fixture('kubekey-ha-inventory.yaml'), null);
  assert.deepEqual(m.groups.k8s_cluster, ['master1', 'master2', 'master3', 'worker1', 'worker2']);
  assert.deepEqual(m.groups.kube_control_plane, ['master1', 'master2', 'master3']);
  assert.equal(getString(host(m, 'worker2').vars, 'internal_ipv4'), '192.168.1.21');
  for (const h of m.hosts) assert.equal(getVar(h.vars, 'connector'), undefined, `${h.name} kept its connector`);
  const connectorWarnings = m.warnings.filter((w) => w.includes('connector'));
  assert.equal(connectorWarnings.length, 1);
  assert.match(connectorWarnings[0]!, /kubekey-ha-inventory\.yaml:8:7 spec\.hosts\.master1\.connector: .*4 other place/);
  assert.equal(getString(m.vars, 'kubernetes.kube_version'), undefined, 'no kube_version is invented');
});

test('precedence per host: defaults < spec.vars < group vars < host vars < Config spec', () => {
  const m = loadCluster(fixture('precedence-inventory.yaml'), fixture('precedence-config.yaml'));
  const probe = (h: string, k: string): string | undefined => getString(host(m, h).vars, `probe.${k}`);
  for (const h of ['cp1', 'worker1', 'worker2']) {
    assert.equal(probe(h, 'spec'), 'spec-vars', h);
    assert.equal(probe(h, 'config'), 'config', `${h}: Config beats host and group vars`);
  }
  assert.equal(probe('cp1', 'group'), 'spec-vars', 'cp1 is in no group that sets probe.group');
  assert.equal(probe('worker1', 'group'), 'group');
  assert.equal(probe('cp1', 'host'), 'host', 'host vars beat spec.vars');
  assert.equal(probe('worker1', 'host'), 'group', 'group vars beat spec.vars');
  // Nested groups: a parent's vars reach hosts of the groups nested in it; the nested group wins.
  assert.equal(probe('cp1', 'nested'), 'parent');
  assert.equal(probe('worker2', 'nested'), 'child');

  // Real keys, default 110: spec.vars 100, kube_worker 120, host worker2 130.
  const maxPods = (h: string): number | undefined => getNumber(host(m, h).vars, 'kubernetes.kubelet.max_pods');
  assert.equal(maxPods('cp1'), 100);
  assert.equal(maxPods('worker1'), 120);
  assert.equal(maxPods('worker2'), 130);
  // Maps merge: setting max_pods keeps the sibling defaults.
  assert.equal(getNumber(host(m, 'worker2').vars, 'kubernetes.kubelet.pod_pids_limit'), 10000);
  // Lists replace.
  assert.deepEqual(getStringList(host(m, 'worker2').vars, 'cri.registry.mirrors'), ['https://host.example']);
  assert.deepEqual(getStringList(host(m, 'cp1').vars, 'cri.registry.mirrors'), ['https://spec.example', 'https://spec2.example']);

  // Cluster vars: defaults < spec.vars < Config, no group or host vars.
  assert.equal(getString(m.vars, 'probe.group'), 'spec-vars');
  assert.equal(getString(m.vars, 'probe.config'), 'config');
  assert.equal(getNumber(m.vars, 'kubernetes.kubelet.max_pods'), 100);
  assert.equal(getString(m.vars, 'cni.pod_cidr'), '10.244.0.0/16,fd00:10:244::/56');
  // Version pins fill only unset keys: the Config's etcd_version stays, the rest come from v1.33.
  assert.equal(getString(m.vars, 'etcd.etcd_version'), 'v3.5.99');
  assert.equal(getString(host(m, 'worker1').vars, 'etcd.etcd_version'), 'v3.5.99');
  assert.equal(getString(m.vars, 'cri.crictl_version'), 'v1.33.0');
});

test('nested groups resolve recursively, in definition order, without duplicates', () => {
  const m = loadCluster(fixture('nested-groups-inventory.yaml'), null);
  assert.deepEqual(m.groups.alpha, ['a1', 'a2']);
  assert.deepEqual(m.groups.bottom, ['a1', 'a2']);
  assert.deepEqual(m.groups.middle, ['b1', 'a1', 'a2']);
  assert.deepEqual(m.groups.top, ['c1', 'b1', 'a1', 'a2']);
  assert.deepEqual(m.groups.empty, []);
  assert.deepEqual(m.groups.all, ['a1', 'a2', 'b1', 'c1', 'loner']);
  assert.deepEqual(m.groups.ungrouped, ['loner']);
  assert.deepEqual(host(m, 'a1').groups, ['all', 'top', 'middle', 'bottom', 'alpha']);
  assert.deepEqual(host(m, 'c1').groups, ['all', 'top']);
  assert.deepEqual(host(m, 'loner').groups, ['all', 'ungrouped']);
  assert.deepEqual(m.warnings, []);
});

test('k8s_cluster may also list hosts directly instead of groups', () => {
  const inv = tempFile(
    'inventory.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1: {internal_ipv4: 10.0.0.1}
    n2: {internal_ipv4: 10.0.0.2}
  groups:
    k8s_cluster:
      hosts: [n2, n1]
    kube_control_plane:
      hosts: [n1]
`,
  );
  const m = loadCluster(inv, null);
  assert.deepEqual(m.groups.k8s_cluster, ['n2', 'n1']);
  assert.deepEqual(m.groups.ungrouped, []);
});

test('no Config: defaults only; null entries mean "not set"', () => {
  const inv = tempFile(
    'inventory.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1:
  groups:
    kube_control_plane:
      hosts: [n1]
  vars:
    kubernetes:
      apiserver:
        extra_args:
`,
  );
  const m = loadCluster(inv, null);
  assert.equal(m.sources.config, null);
  assert.equal(getNumber(m.vars, 'kubernetes.apiserver.port'), 6443);
  assert.deepEqual(getVar(m.vars, 'kubernetes.apiserver.extra_args'), {});
  assert.equal(getString(m.vars, 'cni.pod_cidr'), '10.233.64.0/18');
  assert.equal(getNumber(m.vars, 'cluster_require.minimal_master_memory_mb'), 1700);
  assert.equal(getNumber(m.vars, 'cluster_require.minimal_node_memory_mb'), 1024);
  assert.deepEqual(host(m, 'n1').groups, ['all', 'kube_control_plane']);
});

test('port strings are normalised to numbers', () => {
  const inv = tempFile(
    'inventory.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts: {n1: {}}
  vars:
    kubernetes:
      apiserver:
        port: "8443"
`,
  );
  const m = loadCluster(inv, null);
  assert.equal(getNumber(m.vars, 'kubernetes.apiserver.port'), 8443);
  assert.equal(getNumber(m.vars, 'kubernetes.control_plane_endpoint.port'), 8443, 'the endpoint port follows the apiserver port');
});

test('enumerations accept any case and are stored in the canonical spelling', () => {
  const inv = tempFile(
    'inventory.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1:
      kubernetes:
        storage_disks:
          - {device: vdb, mountpoint: /data, filesystem: XFS}
  groups:
    kube_control_plane: {hosts: [n1]}
`,
  );
  const cfg = tempFile(
    'config.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  kubernetes:
    kube_version: v1.33.1
    kube_proxy: {mode: IPVS}
    control_plane_endpoint: {type: Kube-VIP, kube_vip: {address: 10.0.0.100, mode: arp}}
  certs: {ca: {gen_cert_policy: ifnotpresent}}
  cni: {type: Calico, multi_cni: None}
  cri: {container_manager: Containerd, cgroup_driver: SystemD, containerd: {config_policy: Merge}}
  etcd: {deployment_type: Internal}
  image_registry: {type: Harbor}
`,
  );
  const m = loadCluster(inv, cfg);
  const n1 = host(m, 'n1');
  assert.deepEqual(getVar(n1.vars, 'kubernetes.storage_disks'), [{ device: 'vdb', mountpoint: '/data', filesystem: 'xfs' }]);
  const canonical: Record<string, string> = {
    'kubernetes.kube_proxy.mode': 'ipvs',
    'kubernetes.control_plane_endpoint.type': 'kube-vip',
    'kubernetes.control_plane_endpoint.kube_vip.mode': 'ARP',
    'certs.ca.gen_cert_policy': 'IfNotPresent',
    'cni.type': 'calico',
    'cni.multi_cni': 'none',
    'cri.container_manager': 'containerd',
    'cri.cgroup_driver': 'systemd',
    'cri.containerd.config_policy': 'merge',
    'etcd.deployment_type': 'internal',
    'image_registry.type': 'harbor',
  };
  for (const [key, want] of Object.entries(canonical)) {
    assert.equal(getString(m.vars, key), want, `cluster ${key}`);
    assert.equal(getString(n1.vars, key), want, `n1 ${key}`);
  }
});

test('YAML anchors and merge keys work as in any YAML file', () => {
  const inv = tempFile(
    'inventory.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1: &common
      internal_ipv4: 10.0.0.1
      kubernetes: {kubelet: {max_pods: 150}}
    n2:
      <<: *common
      internal_ipv4: 10.0.0.2
`,
  );
  const m = loadCluster(inv, null);
  assert.equal(getNumber(host(m, 'n2').vars, 'kubernetes.kubelet.max_pods'), 150);
  assert.equal(getString(host(m, 'n2').vars, 'internal_ipv4'), '10.0.0.2');
});
