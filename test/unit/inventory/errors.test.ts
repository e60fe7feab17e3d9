import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadCluster } from '../../../coordinator/inventory';
import { fixture, loadErrors, tempFile } from './helpers';

const SAMPLE_INV = fixture('kubekey-sample-inventory.yaml');

test('bad YAML syntax: file, line and column, exit 2', () => {
  const lines = loadErrors(fixture('bad-syntax.yaml'));
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^.*bad-syntax\.yaml:8:1 YAML syntax error: Missing closing "quote \(the quote opened at line 6 is never closed\)$/);
});

test('duplicate keys are a syntax error at the duplicate', () => {
  const inv = tempFile('dup.yaml', 'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nspec:\n  hosts:\n    n1: {}\n    n1: {}\n');
  const lines = loadErrors(inv);
  assert.match(lines[0]!, /dup\.yaml:6:5 YAML syntax error: Map keys must be unique/);
});

test('every error in a file is reported together, one per line, at the key', () => {
  const lines = loadErrors(fixture('bad-types-inventory.yaml'));
  const f = fixture('bad-types-inventory.yaml');
  assert.deepEqual(lines, [
    `${f}:6:7 spec.hosts.node1.internal_ipv4: "10.0.0.300" is not a valid IPv4 address`,
    `${f}:7:7 spec.hosts.node1.internal_ipv6: "10.0.0.1" is not a valid IPv6 address (it is an IPv4 address)`,
    `${f}:10:11 spec.hosts.node1.kubernetes.kubelet.max_pods: expected an integer >= 1, found "lots"`,
    `${f}:15:7 spec.groups.kube_control_plane.hosts: expected a list of names, found "node1"`,
    `${f}:20:11 spec.groups.etcd.vars.etcd.port: expected a port number (1-65535), found number 70000`,
  ]);
});

test('unknown group members (host or group) are errors at the list item', () => {
  const f = fixture('unknown-member-inventory.yaml');
  assert.deepEqual(loadErrors(f), [
    `${f}:9:36 spec.groups.k8s_cluster.groups[1]: unknown group "kube_workers": not defined in spec.groups (did you mean "kube_worker"?)`,
    `${f}:15:11 spec.groups.kube_worker.hosts[1]: unknown host "node3": not defined in spec.hosts`,
  ]);
});

test('a group listed as a host (and vice versa) says so', () => {
  const inv = tempFile(
    'mixed.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1: {}
  groups:
    etcd:
      hosts: [n1]
    k8s_cluster:
      hosts: [etcd]
      groups: [n1]
`,
  );
  const lines = loadErrors(inv);
  assert.match(lines[0]!, /mixed\.yaml:10:15 spec\.groups\.k8s_cluster\.hosts\[0\]: "etcd" is a group, not a host; list it under k8s_cluster\.groups/);
  assert.match(lines[1]!, /mixed\.yaml:11:16 spec\.groups\.k8s_cluster\.groups\[0\]: "n1" is a host, not a group/);
});

test('a group cycle is an error naming the cycle', () => {
  const f = fixture('cycle-inventory.yaml');
  assert.deepEqual(loadErrors(f), [`${f}:13:16 spec.groups.c.groups[0]: group cycle: a → b → c → a`]);
  const self = tempFile('self.yaml', 'apiVersion: kubekey.kubesphere.io/v1\nkind: Inventory\nspec:\n  groups:\n    loop:\n      groups: [loop]\n');
  assert.deepEqual(loadErrors(self), [`${self}:6:16 spec.groups.loop.groups[0]: group cycle: loop → loop`]);
});

test('config errors: bad CIDR, bad version, bad enum, bad port — all at once', () => {
  const c = fixture('bad-config.yaml');
  assert.deepEqual(loadErrors(SAMPLE_INV, c), [
    `${c}:5:5 spec.kubernetes.kube_version: "latest" is not a version (expected x.y.z, e.g. v1.2.3)`,
    `${c}:7:7 spec.kubernetes.apiserver.port: expected a port number (1-65535), found number 70000`,
    `${c}:9:5 spec.cri.container_manager: expected one of docker, containerd; found "podman"`,
    `${c}:11:5 spec.etcd.deployment_type: expected one of internal, external; found "stacked"`,
    `${c}:14:5 spec.cni.pod_cidr: "10.233.64.0/33" is not a valid CIDR`,
  ]);
});

test('an enumeration value that is no spelling of a known one is still an error at its line', () => {
  const c = tempFile(
    'config.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Config
spec:
  kubernetes:
    storage_disks:
      - {device: vdb, mountpoint: /data, filesystem: NTFS}
  cri:
    container_manager: Podman
`,
  );
  assert.deepEqual(loadErrors(SAMPLE_INV, c), [
    `${c}:6:42 spec.kubernetes.storage_disks[0].filesystem: expected one of ext4, xfs, btrfs; found "NTFS"`,
    `${c}:8:5 spec.cri.container_manager: expected one of docker, containerd; found "Podman"`,
  ]);
});

test('errors from both files are reported together', () => {
  const lines = loadErrors(fixture('cycle-inventory.yaml'), fixture('bad-config.yaml'));
  assert.equal(lines.length, 6);
  assert.match(lines[0]!, /cycle-inventory\.yaml:13:16/);
  assert.match(lines[5]!, /bad-config\.yaml:14:5 spec\.cni\.pod_cidr/);
});

test('a version YAML reads as a number is an error that says to quote it', () => {
  const c = tempFile('config.yaml', 'apiVersion: kubekey.kubesphere.io/v1\nkind: Config\nspec:\n  cni:\n    cilium_version: 1.19\n');
  assert.deepEqual(loadErrors(SAMPLE_INV, c), [
    `${c}:5:5 spec.cni.cilium_version: expected a version such as v1.2.3 (YAML read it as a number; quote it), found number 1.19`,
  ]);
});

test('wrong apiVersion or kind', () => {
  const f = fixture('wrong-api-inventory.yaml');
  assert.deepEqual(loadErrors(f), [`${f}:1:1 apiVersion: expected kubekey.kubesphere.io/v1, found "kubekey.kubesphere.io/v1alpha1"`]);
  // Files passed the wrong way round.
  const lines = loadErrors(fixture('kubekey-sample-config-v1.33.yaml'), SAMPLE_INV);
  assert.match(lines[0]!, /kubekey-sample-config-v1\.33\.yaml:2:1 kind: expected Inventory, found "Config" \(is this the config file\?/);
  assert.match(lines[1]!, /kubekey-sample-inventory\.yaml:2:1 kind: expected Config, found "Inventory"/);
  const noKind = tempFile('nokind.yaml', 'apiVersion: kubekey.kubesphere.io/v1\nspec: {}\n');
  assert.deepEqual(loadErrors(noKind), [`${noKind}:1:1 kind is missing; expected Inventory`]);
});

test('empty, non-map and missing files', () => {
  const empty = tempFile('empty.yaml', '# nothing here\n');
  assert.deepEqual(loadErrors(empty), [`${empty}:1:1 file is empty; expected a kubekey.kubesphere.io/v1 Inventory`]);
  const listDoc = tempFile('list.yaml', '- a\n- b\n');
  assert.match(loadErrors(listDoc)[0]!, /list\.yaml:1:1 expected a kubekey\.kubesphere\.io\/v1 Inventory \(a YAML map\), found a list/);
  assert.deepEqual(loadErrors('/nonexistent/inventory.yaml'), ['/nonexistent/inventory.yaml: file not found']);
});

test('a likely typo of a known key is a warning with the suggestion; unknown keys are kept', () => {
  const c = fixture('typo-config.yaml');
  const m = loadCluster(SAMPLE_INV, c);
  const typos = m.warnings.filter((w) => w.includes('did you mean'));
  assert.deepEqual(typos, [
    `${c}:5:5 spec.kubernetes.kube_verison: unknown key "kube_verison" — did you mean "kube_version"? (kept as written)`,
    `${c}:7:5 spec.cni.pod_cird: unknown key "pod_cird" — did you mean "pod_cidr"? (kept as written)`,
    `${c}:8:5 spec.cni.tpye: unknown key "tpye" — did you mean "type"? (kept as written)`,
  ]);
  assert.equal((m.vars.cni as Record<string, unknown>).pod_cird, '10.244.0.0/16');
  assert.equal(m.vars.my_own_setting, 'kept');
  // The misspelt key did not set the real one.
  assert.equal((m.vars.cni as Record<string, unknown>).pod_cidr, '10.233.64.0/18');
});

test('typos in the inventory structure are warned about too', () => {
  const inv = tempFile(
    'inv.yaml',
    `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
spec:
  hosts:
    n1:
      internal_ipv5: 10.0.0.1
  groups:
    kube_control_plane:
      host: [n1]
  var: {}
`,
  );
  const m = loadCluster(inv, null);
  assert.deepEqual(m.warnings, [
    `${inv}:6:7 spec.hosts.n1.internal_ipv5: unknown key "internal_ipv5" — did you mean "internal_ipv4"? (kept as written)`,
    `${inv}:9:7 spec.groups.kube_control_plane.host: unknown key "host" — did you mean "hosts"? (kept as written)`,
    `${inv}:10:3 spec.var: unknown key "var" — did you mean "vars"? (kept as written)`,
  ]);
});

test('a KubeKey v3 cluster file is recognised as such', () => {
  const v3 = tempFile('v3.yaml', 'apiVersion: kubekey.kubesphere.io/v1alpha2\nkind: Cluster\nspec:\n  hosts:\n    - {name: node1, address: 10.0.0.1}\n');
  const lines = loadErrors(v3);
  assert.match(
    lines[0]!,
    /v3\.yaml:1:1 apiVersion: expected kubekey\.kubesphere\.io\/v1, found "kubekey\.kubesphere\.io\/v1alpha2" \(this looks like a KubeKey v3 cluster file/,
  );
  assert.match(lines[1]!, /v3\.yaml:2:1 kind: expected Inventory, found "Cluster"/);
  assert.match(lines[2]!, /v3\.yaml:4:3 spec\.hosts: expected a map of host name → vars, found a list/);
});
