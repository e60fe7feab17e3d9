import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { cniRelease, cniStep, multiCniRelease } from '../../../../coordinator/phases/install/steps/cni';
import { ciliumImages } from '../../../../coordinator/phases/install/steps/cni/cilium';
import { helmTasks, mergeValues, type HelmRelease } from '../../../../coordinator/phases/install/steps/cni/helm';
import { kubeovnLabelScript } from '../../../../coordinator/phases/install/steps/cni/kubeovn';
import { MULTUS_MANIFEST, multusManifest } from '../../../../coordinator/phases/install/steps/cni/multus';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED, type StepTask } from '../../../../coordinator/phases/install/step';
import type { ResolvedArtifact } from '../../../../coordinator/init/artifacts/cache';
import { UserError } from '../../../../shared/errors';
import { model, tempDir, inventoryText } from '../helpers';

const INV = inventoryText({
  hosts: { cp1: '{internal_ipv4: 10.0.0.1}', cp2: '{internal_ipv4: 10.0.0.2}', w1: '{internal_ipv4: 10.0.0.3}' },
  controlPlanes: ['cp1', 'cp2'],
  workers: ['w1'],
  etcd: ['cp1'],
});
const KUBE = '  kubernetes: {kube_version: v1.34.3}\n';
const REGISTRY = '  image_registry: {auth: {registry: "hub.example:5000"}}\n';

const sha = (s: string): string => Buffer.from(s.padEnd(32, '.')).toString('hex').slice(0, 64);
const chart = (name: string, version: string, dest: string): ResolvedArtifact => ({
  id: `${name}/${version}`,
  name,
  kind: 'chart',
  arch: null,
  version,
  base: 'binary_dir',
  dest,
  sha256: sha(name),
  size: 1,
  url: 'https://x',
  verified: 'first-download',
});
const ARTIFACTS: ResolvedArtifact[] = [
  chart('flannel', 'v0.27.4', 'cni/flannel/flannel-v0.27.4.tgz'),
  chart('tigera-operator', 'v3.31.3', 'cni/calico/tigera-operator-v3.31.3.tgz'),
  chart('cilium', '1.19.1', 'cni/cilium/cilium-1.19.1.tgz'),
  chart('kube-ovn', 'v1.15.0', 'cni/kubeovn/kube-ovn-v1.15.0.tgz'),
  chart('hybridnet', '0.6.8', 'cni/hybridnet/hybridnet-0.6.8.tgz'),
  chart('spiderpool', 'v1.1.1', 'cni/spiderpool/spiderpool-v1.1.1.tgz'),
  { ...chart('calicoctl', 'v3.31.3', 'cni/calico/v3.31.3/amd64/calicoctl'), id: 'calicoctl/v3.31.3/amd64', kind: 'binary', arch: 'amd64' },
];

const inputs = (spec: string, resolved = ARTIFACTS): StepInputs =>
  stepInputs({ model: model(KUBE + spec, INV), resolved, pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });
const release = (spec: string): HelmRelease => {
  const r = cniRelease(inputs(spec).model);
  assert.ok(r);
  return r;
};
const task = (tasks: StepTask[], name: string): StepTask => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task ${name} in ${tasks.map((x) => x.task).join(', ')}`);
  return t;
};
const scriptOf = (t: StepTask): string => {
  assert.ok('exec' in t.spec);
  return t.spec.exec.script ?? '';
};
const valuesText = (t: StepTask): string => {
  assert.ok('writeFile' in t.spec);
  return t.spec.writeFile.text ?? '';
};
/** The value at a dotted path of parsed values/objects (`spec.template.spec`), undefined when absent. */
const at = (o: unknown, p: string): unknown =>
  p.split('.').reduce<unknown>((x, k) => (x !== null && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);

test('calico (the default): tigera-operator chart as release calico in tigera-operator, KubeKey values, then calicoctl', () => {
  const inp = inputs('');
  assert.deepEqual(cniStep.hosts(inp.model), ['cp1'], 'the first control plane only');
  const r = release('');
  assert.deepEqual([r.release, r.namespace, r.chart, r.dir], ['calico', 'tigera-operator', 'tigera-operator', '/etc/kubernetes/cni']);
  assert.deepEqual(r.values, {
    tigeraOperator: { registry: 'quay.io' },
    calicoctl: { image: 'quay.io/calico/ctl', tag: 'v3.31.3' },
    installation: { registry: 'docker.io', calicoNetwork: { bgp: 'Enabled' } },
  });
  const tasks = cniStep.plan(inp, 'cp1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    ['fetch tigera-operator chart', 'write calico values', 'helm calico', 'fetch calicoctl', 'install calicoctl'],
  );
  const fetch = task(tasks, 'fetch tigera-operator chart').spec;
  assert.ok('fetch' in fetch);
  assert.deepEqual([fetch.fetch.dest, fetch.fetch.sha256], ['/etc/kubernetes/cni/tigera-operator-v3.31.3.tgz', sha('tigera-operator')]);
  assert.match(
    scriptOf(task(tasks, 'helm calico')),
    /\nhelm upgrade --install 'calico' '\/etc\/kubernetes\/cni\/tigera-operator-v3\.31\.3\.tgz' -n 'tigera-operator' --create-namespace -f '\/etc\/kubernetes\/cni\/calico-values\.yaml' --wait --timeout 10m\n/,
  );
  const install = scriptOf(task(tasks, 'install calicoctl'));
  assert.match(install, /install -D -m 0755 '\/opt\/kubekey\/artifacts\/calicoctl\/v3\.31\.3\/calicoctl' '\/usr\/local\/bin\/calicoctl\.kk-new'/);
  assert.match(install, /want='v3\.31\.3'/);
  // A bundle without calicoctl still installs calico.
  const without = cniStep.plan(
    inputs(
      '',
      ARTIFACTS.filter((a) => a.name !== 'calicoctl'),
    ),
    'cp1',
  );
  assert.deepEqual(
    without.map((t) => t.task),
    ['fetch tigera-operator chart', 'write calico values', 'helm calico'],
  );
});

test('calico with a cluster registry and an older version: every registry moved, calicoctl image as that version ships it', () => {
  const r = release(`${REGISTRY}  cni: {calico_version: v3.28.5}\n`);
  assert.deepEqual(r.values, {
    tigeraOperator: { registry: 'hub.example:5000' },
    calicoctl: { image: 'hub.example:5000/calico/ctl', tag: 'v3.28.5' },
    installation: { registry: 'hub.example:5000', calicoNetwork: { bgp: 'Enabled' } },
  });
});

test("custom values: cni.<type>.values YAML text (or a mapping) is laid over kk's; bad text is a UserError naming the key", () => {
  const r = release(
    '  cni:\n    calico:\n      values: |\n        installation:\n          calicoNetwork: {bgp: Disabled, mtu: 1400}\n        apiServer: {enabled: false}\n',
  );
  assert.deepEqual(r.values.installation, { registry: 'docker.io', calicoNetwork: { bgp: 'Disabled', mtu: 1400 } });
  assert.deepEqual(r.values.apiServer, { enabled: false });
  const mapped = release('  cni: {type: flannel, flannel: {values: {netpol: {enabled: true}, podCidr: 10.1.0.0/16}}}\n');
  assert.deepEqual([mapped.values.netpol, mapped.values.podCidr], [{ enabled: true }, '10.1.0.0/16']);
  assert.throws(
    () => release('  cni: {calico: {values: "- a\\n- b"}}\n'),
    (e: unknown) => e instanceof UserError && /^cni\.calico\.values: expected YAML mapping text/.test(e.message),
  );
  assert.throws(
    () => release('  cni: {cilium: {values: "a: [1"}, type: cilium}\n'),
    (e: unknown) => e instanceof UserError && /^cni\.cilium\.values: not valid YAML/.test(e.message),
  );
  assert.deepEqual(mergeValues({ a: { b: 1, c: [1, 2] } }, { a: { c: [3] }, d: 1 }), { a: { b: 1, c: [3] }, d: 1 });
});

test('flannel: pod CIDRs (dual stack), ghcr images at the catalogue tags, the namespace privileged before helm', () => {
  const r = release('  cni: {type: flannel, pod_cidr: "10.233.64.0/18,fd00:10:233::/56"}\n');
  assert.deepEqual(r.values, {
    podCidr: '10.233.64.0/18',
    podCidrv6: 'fd00:10:233::/56',
    flannel: {
      image: { repository: 'ghcr.io/flannel-io/flannel', tag: 'v0.27.4' },
      image_cni: { repository: 'ghcr.io/flannel-io/flannel-cni-plugin', tag: 'v1.8.0-flannel1' },
    },
    netpol: { enabled: false },
  });
  const moved = release(`${REGISTRY}  cni: {type: flannel}\n`);
  assert.deepEqual(moved.values.flannel, {
    image: { repository: 'hub.example:5000/flannel-io/flannel', tag: 'v0.27.4' },
    image_cni: { repository: 'hub.example:5000/flannel-io/flannel-cni-plugin', tag: 'v1.8.0-flannel1' },
  });
  const tasks = cniStep.plan(inputs('  cni: {type: flannel}\n'), 'cp1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    ['fetch flannel chart', 'write flannel values', 'namespace kube-flannel', 'helm flannel'],
  );
  assert.match(scriptOf(task(tasks, 'namespace kube-flannel')), /label ns 'kube-flannel' pod-security\.kubernetes\.io\/enforce=privileged --overwrite/);
});

test('cilium: image repositories, ipv4 cluster pool with the mask size; upstream digests kept without a cluster registry', () => {
  const r = release('  cni: {type: cilium, ipv4_mask_size: 25}\n');
  assert.deepEqual([r.release, r.namespace, r.chart], ['cilium', 'kube-system', 'cilium']);
  const v = r.values;
  assert.deepEqual(v.ipv4, { enabled: true });
  assert.deepEqual(v.ipv6, { enabled: false });
  assert.deepEqual(v.ipam, { operator: { clusterPoolIPv4PodCIDRList: ['10.233.64.0/18'], clusterPoolIPv4MaskSize: 25 } });
  assert.deepEqual(v.image, { repository: 'quay.io/cilium/cilium' });
  assert.deepEqual(v.operator, { image: { repository: 'quay.io/cilium/operator' } });
  assert.deepEqual(v.hubble, {
    relay: { image: { repository: 'quay.io/cilium/hubble-relay' } },
    ui: { backend: { image: { repository: 'quay.io/cilium/hubble-ui-backend' } }, frontend: { image: { repository: 'quay.io/cilium/hubble-ui' } } },
  });
  assert.deepEqual(at(v, 'authentication.mutual.spire.install.agent.image'), { repository: 'ghcr.io/spiffe/spire-agent' });
  assert.equal(v.bpf, undefined);
  assert.equal(v.cni, undefined);
  assert.equal(v.etcd, undefined, 'no etcd-operator image after 1.15');
});

test('cilium dual stack through a cluster registry with multus: both pools, every image moved and pulled by tag, multus tweaks', () => {
  const r = release(`${REGISTRY}  cni: {type: cilium, multi_cni: multus, pod_cidr: "10.233.64.0/18,fd00:10:233::/56", ipv6_mask_size: 120}\n`);
  const v = r.values;
  assert.deepEqual([v.ipv4, v.ipv6], [{ enabled: true }, { enabled: true }]);
  assert.deepEqual(at(v, 'ipam.operator'), {
    clusterPoolIPv4PodCIDRList: ['10.233.64.0/18'],
    clusterPoolIPv4MaskSize: 24,
    clusterPoolIPv6PodCIDRList: ['fd00:10:233::/56'],
    clusterPoolIPv6MaskSize: 120,
  });
  assert.deepEqual(v.image, { repository: 'hub.example:5000/cilium/cilium', useDigest: false });
  assert.deepEqual(at(v, 'envoy.image'), { repository: 'hub.example:5000/cilium/cilium-envoy', useDigest: false });
  assert.deepEqual(at(v, 'authentication.mutual.spire.install.initImage'), { repository: 'hub.example:5000/library/busybox', useDigest: false });
  assert.deepEqual([v.bpf, v.cni], [{ vlanBypass: [0] }, { exclusive: false }]);
  const only6 = release('  cni: {type: cilium, pod_cidr: "fd00:10:233::/56"}\n').values;
  assert.deepEqual(
    [only6.ipv4, only6.ipv6, only6.ipam],
    [{ enabled: false }, { enabled: true }, { operator: { clusterPoolIPv6PodCIDRList: ['fd00:10:233::/56'], clusterPoolIPv6MaskSize: 64 } }],
  );
});

test('cilium images follow the chart version: etcd-operator up to 1.15, kvstoremesh only in 1.14', () => {
  assert.equal(ciliumImages('1.14.19')['etcd.image'], 'quay.io/cilium/cilium-etcd-operator');
  assert.equal(ciliumImages('1.14.19')['clustermesh.apiserver.kvstoremesh.image'], 'quay.io/cilium/kvstoremesh');
  assert.equal(ciliumImages('1.15.19')['etcd.image'], 'quay.io/cilium/cilium-etcd-operator');
  assert.equal(ciliumImages('1.15.19')['clustermesh.apiserver.kvstoremesh.image'], undefined);
  assert.equal(ciliumImages('v1.19.1')['etcd.image'], undefined);
  const old = release('  cni: {type: cilium, cilium_version: 1.14.19}\n').values;
  assert.deepEqual(old.etcd, { image: { repository: 'quay.io/cilium/cilium-etcd-operator' } });
});

test('kube-ovn: nodes labelled first, release kubeovn in kubeovn-system, images under <docker registry>/kubeovn', () => {
  for (const type of ['kubeovn', 'kube-ovn']) {
    const inp = inputs(`${REGISTRY}  cni: {type: ${type}}\n`);
    const r = cniRelease(inp.model);
    assert.ok(r);
    assert.deepEqual([r.release, r.namespace, r.chart], ['kubeovn', 'kubeovn-system', 'kube-ovn']);
    assert.deepEqual(r.values, { global: { registry: { address: 'hub.example:5000/kubeovn' } } });
    const tasks = cniStep.plan(inp, 'cp1');
    assert.deepEqual(
      tasks.map((t) => t.task),
      ['fetch kube-ovn chart', 'write kubeovn values', 'kube-ovn node labels', 'helm kubeovn'],
    );
    assert.match(scriptOf(task(tasks, 'kube-ovn node labels')), /case " cp1 cp2 " in/);
  }
  assert.deepEqual(release('  cni: {type: kubeovn}\n').values, { global: { registry: { address: 'docker.io/kubeovn' } } });
});

test('the kube-ovn label script labels only nodes that lack a label, and says unchanged when none do', () => {
  const dir = tempDir('kk-kubeovn-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // A kubectl that answers the label selectors from a state file and records label calls.
  writeFileSync(
    path.join(bin, 'kubectl'),
    `#!/bin/bash
args="$*"
case "$args" in
  *"get nodes -l kubernetes.io/os!=linux -o name"*) cat "${dir}/no-os" 2>/dev/null ;;
  *"get nodes -l kube-ovn/role!=master -o name"*) cat "${dir}/no-role" 2>/dev/null ;;
  *" label "*) echo "$args" >> "${dir}/labels" ;;
esac
`,
  );
  chmodSync(path.join(bin, 'kubectl'), 0o755);
  const run = (): number =>
    spawnSync('bash', ['-c', `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${kubeovnLabelScript(['cp1', 'cp2'])}`], {
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    }).status ?? -1;
  writeFileSync(path.join(dir, 'no-os'), 'node/w1\n');
  writeFileSync(path.join(dir, 'no-role'), 'node/cp2\nnode/w1\n');
  assert.equal(run(), 0);
  assert.deepEqual(
    readFileSync(path.join(dir, 'labels'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => l.replace(/^--kubeconfig \S+ /, '')),
    ['label node/w1 kubernetes.io/os=linux --overwrite', 'label node/cp2 kube-ovn/role=master --overwrite'],
  );
  writeFileSync(path.join(dir, 'no-os'), '');
  writeFileSync(path.join(dir, 'no-role'), 'node/w1\n');
  assert.equal(run(), UNCHANGED, 'a worker without the master role is left alone');
});

test('hybridnet: release hybridnet in kube-system, images.registryURL from the docker registry', () => {
  const r = release(`${REGISTRY}  cni: {type: hybridnet}\n`);
  assert.deepEqual([r.release, r.namespace, r.chart, r.values], ['hybridnet', 'kube-system', 'hybridnet', { images: { registryURL: 'hub.example:5000' } }]);
  assert.deepEqual(release('  cni: {type: hybridnet}\n').values, { images: { registryURL: 'docker.io' } });
});

test('spiderpool (multi_cni): after the primary CNI, ghcr override, DNS domain, IPAM families; only with calico or cilium', () => {
  const inp = inputs(`${REGISTRY}  dns: {domain: corp.local}\n  cni: {type: cilium, multi_cni: spiderpool, pod_cidr: "10.233.64.0/18,fd00:10:233::/56"}\n`);
  const r = multiCniRelease(inp.model);
  assert.ok(r);
  assert.deepEqual([r.release, r.namespace, r.chart], ['spiderpool', 'kube-system', 'spiderpool']);
  assert.deepEqual(r.values, {
    global: { imageRegistryOverride: 'hub.example:5000', clusterDnsDomain: 'corp.local' },
    ipam: { enableIPv4: true, enableIPv6: true },
  });
  assert.deepEqual(
    cniStep.plan(inp, 'cp1').map((t) => t.task),
    ['fetch cilium chart', 'write cilium values', 'helm cilium', 'fetch spiderpool chart', 'write spiderpool values', 'helm spiderpool'],
  );
  assert.deepEqual(multiCniRelease(inputs('  cni: {multi_cni: spiderpool}\n').model)?.values, {
    global: { imageRegistryOverride: 'ghcr.io', clusterDnsDomain: 'cluster.local' },
    ipam: { enableIPv4: true, enableIPv6: false },
  });
  assert.throws(
    () => cniStep.plan(inputs('  cni: {type: flannel, multi_cni: spiderpool}\n'), 'cp1'),
    (e: unknown) => e instanceof UserError && /^cni\.multi_cni: spiderpool runs on calico or cilium, but cni\.type is flannel/.test(e.message),
  );
});

test('multus (multi_cni): a manifest kk writes and applies — CRD, RBAC, the thin-plugin DaemonSet with cni.multus.image', () => {
  const inp = inputs(`${REGISTRY}  cni: {type: calico, multi_cni: multus}\n`);
  const tasks = cniStep.plan(inp, 'cp1');
  assert.deepEqual(tasks.map((t) => t.task).slice(-2), ['write multus.yaml', 'apply multus']);
  const w = task(tasks, 'write multus.yaml').spec;
  assert.ok('writeFile' in w);
  assert.equal(w.writeFile.path, MULTUS_MANIFEST);
  const docs = YAML.parseAllDocuments(w.writeFile.text ?? '').map((d) => d.toJS() as unknown);
  assert.deepEqual(
    docs.map((d) => `${String(at(d, 'kind'))}/${String(at(d, 'metadata.name'))}`),
    [
      'CustomResourceDefinition/network-attachment-definitions.k8s.cni.cncf.io',
      'ClusterRole/multus',
      'ClusterRoleBinding/multus',
      'ServiceAccount/multus',
      'DaemonSet/kube-multus-ds',
    ],
  );
  const pod = at(docs[4], 'spec.template.spec');
  const c = at(pod, 'containers.0');
  assert.equal(at(c, 'image'), 'hub.example:5000/k8snetworkplumbingwg/multus-cni:v4.2.4');
  const args = at(c, 'args') as string[];
  assert.deepEqual([args[0], args[args.length - 1]], ['--multus-conf-file=auto', '--cni-version=0.3.1']);
  assert.equal(at(pod, 'initContainers.0.image'), at(c, 'image'));
  assert.equal(at(docs[0], 'spec.names.kind'), 'NetworkAttachmentDefinition');
  assert.match(
    scriptOf(task(tasks, 'apply multus')),
    /diff -f '\/etc\/kubernetes\/cni\/multus\.yaml' >\/dev\/null 2>&1; then exit \$UNCHANGED; fi\n.* apply -f '\/etc\/kubernetes\/cni\/multus\.yaml'$/,
  );
  assert.match(multusManifest(inputs('  cni: {multi_cni: multus}\n').model), /image: ghcr\.io\/k8snetworkplumbingwg\/multus-cni:v4\.2\.4/);
  // multus with no primary CNI of kk's still runs on the first control plane.
  assert.deepEqual(cniStep.hosts(inputs('  cni: {type: none, multi_cni: multus}\n').model), ['cp1']);
});

test('cni.type none/other: no release, no hosts; a missing chart is a UserError saying to run init', () => {
  for (const type of ['none', 'other']) {
    const inp = inputs(`  cni: {type: ${type}}\n`);
    assert.equal(cniRelease(inp.model), null);
    assert.deepEqual(cniStep.hosts(inp.model), []);
  }
  assert.throws(
    () => cniStep.plan(inputs('  cni: {type: cilium}\n', []), 'cp1'),
    (e: unknown) => e instanceof UserError && /no verified cilium for amd64 from the init phase/.test(e.message),
  );
});

test('the helm task installs once, then is unchanged for the same chart and values, and runs again when the values change', () => {
  const dir = tempDir('kk-helm-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  // A helm that records upgrades and reports the release deployed once one ran.
  writeFileSync(
    path.join(bin, 'helm'),
    `#!/bin/bash
case "$1" in
  status) [ -f "${dir}/deployed" ] && echo '{"name":"x","info":{"status":"deployed"}}' || exit 1 ;;
  upgrade) echo "$*" >> "${dir}/upgrades"; touch "${dir}/deployed" ;;
esac
`,
  );
  chmodSync(path.join(bin, 'helm'), 0o755);
  const inp = inputs('  cni: {type: hybridnet}\n');
  const run = (r: HelmRelease): number => {
    const t = task(helmTasks(inp, 'cp1', { ...r, dir }), `helm ${r.release}`);
    return spawnSync('bash', ['-c', scriptOf(t)], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } }).status ?? -1;
  };
  const r = release('  cni: {type: hybridnet}\n');
  assert.equal(run(r), 0);
  assert.equal(run(r), UNCHANGED);
  assert.equal(run({ ...r, values: { images: { registryURL: 'other.example' } } }), 0);
  const upgrades = readFileSync(path.join(dir, 'upgrades'), 'utf8').trim().split('\n');
  assert.equal(upgrades.length, 2);
  assert.equal(
    upgrades[0],
    `upgrade --install hybridnet ${dir}/hybridnet-0.6.8.tgz -n kube-system --create-namespace -f ${dir}/hybridnet-values.yaml --wait --timeout 10m`,
  );
});

test('the values file is the YAML of the release values, 0600', () => {
  const t = task(cniStep.plan(inputs('  cni: {type: hybridnet}\n'), 'cp1'), 'write hybridnet values');
  assert.ok('writeFile' in t.spec);
  assert.equal(t.spec.writeFile.mode, 0o600);
  assert.equal(valuesText(t), 'images:\n  registryURL: docker.io\n');
});
