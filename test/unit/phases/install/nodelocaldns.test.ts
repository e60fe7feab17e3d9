// NodeLocal DNSCache as data: the DaemonSet and Corefile KubeKey deploys, applied once per
// manifest (a re-run compares the recorded digest), and skipped when disabled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { nodelocaldnsStep, nodelocaldnsManifest, corefile } from '../../../../coordinator/phases/install/steps/nodelocaldns';
import { stepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED } from '../../../../coordinator/phases/install/step';
import { UserError } from '../../../../shared/errors';
import { model, tempDir } from '../helpers';

const inputs = (spec = '') =>
  stepInputs({
    model: model(spec.includes('dns:') ? spec : `  dns: {nodelocaldns: {image: {tag: 1.25.0}}}\n${spec}`),
    resolved: [],
    pkiDir: tempDir('kk-pki-'),
    arches: ['amd64'],
    param: (_k, make) => make(),
  });

test('on the first control plane when enabled (the default); nothing when disabled', () => {
  const inp = inputs();
  assert.equal(nodelocaldnsStep.hosts(inp.model).length, 1);
  assert.deepEqual(
    nodelocaldnsStep.plan(inp, nodelocaldnsStep.hosts(inp.model)[0]!).map((t) => t.task),
    ['apply nodelocaldns', 'nodelocaldns ready'],
  );
  assert.deepEqual(
    nodelocaldnsStep.hosts(
      stepInputs({
        model: model('  dns: {nodelocaldns: {enabled: false}}\n'),
        resolved: [],
        pkiDir: tempDir('kk-pki-'),
        arches: ['amd64'],
        param: (_k, make) => make(),
      }).model,
    ),
    [],
  );
});

test('the manifest: ServiceAccount, Corefile, a privileged hostNetwork DaemonSet on 169.254.25.10', () => {
  const docs = YAML.parseAllDocuments(nodelocaldnsManifest(inputs().model)).map(
    (d) => d.toJS() as { kind: string; metadata: { name: string }; data?: Record<string, string>; spec?: Record<string, unknown> },
  );
  assert.deepEqual(
    docs.map((d) => `${d.kind}/${d.metadata.name}`),
    ['ServiceAccount/nodelocaldns', 'ConfigMap/nodelocaldns', 'DaemonSet/nodelocaldns'],
  );
  const pod = (
    docs[2]!.spec as {
      template: {
        spec: { hostNetwork: boolean; dnsPolicy: string; priorityClassName: string; containers: { image: string; args: string[]; securityContext: unknown }[] };
      };
    }
  ).template.spec;
  assert.equal(pod.hostNetwork, true);
  assert.equal(pod.dnsPolicy, 'Default');
  assert.equal(pod.priorityClassName, 'system-cluster-critical');
  assert.equal(pod.containers[0]!.image, 'registry.k8s.io/dns/k8s-dns-node-cache:1.25.0');
  assert.deepEqual(pod.containers[0]!.args, [
    '-localip',
    '169.254.25.10',
    '-conf',
    '/etc/coredns/Corefile',
    '-upstreamsvc',
    'coredns',
    '-metrics-listen-address',
    '127.0.0.1:9353',
  ]);
  assert.deepEqual(pod.containers[0]!.securityContext, { privileged: true });
  const cf = docs[1]!.data!.Corefile!;
  assert.equal(cf, `${corefile({ localIp: '169.254.25.10', corednsIp: '10.233.0.3', domain: 'cluster.local' })}\n`);
  assert.match(
    cf,
    /^cluster\.local:53 \{\n {4}errors\n {4}cache 30\n {4}reload\n {4}loop\n {4}bind 169\.254\.25\.10\n {4}forward \. 10\.233\.0\.3 \{\n {8}force_tcp\n {4}\}\n {4}prometheus :9253\n {4}health 169\.254\.25\.10:9254\n\}/,
  );
  assert.match(cf, /\nin-addr\.arpa:53 \{[^}]*forward \. 10\.233\.0\.3 \{\n {8}force_tcp/);
  assert.match(cf, /\nip6\.arpa:53 \{/);
  assert.match(cf, /\n\.:53 \{[^}]*forward \. \/etc\/resolv\.conf\n/);
  // Another domain, local address and service range.
  const other = nodelocaldnsManifest(
    inputs('  cni: {service_cidr: 10.96.0.0/12}\n  dns: {domain: corp.local, nodelocaldns: {ip: 169.254.20.10, image: {tag: 1.25.0}}}\n').model,
  );
  assert.match(other, /\n {4}corp\.local:53 \{/);
  assert.match(other, /bind 169\.254\.20\.10/);
  assert.throws(
    () => nodelocaldnsManifest(inputs('  dns: {nodelocaldns: {image: {tag: ""}}}\n').model),
    (e: unknown) => e instanceof UserError && /dns\.nodelocaldns\.image\.tag is empty/.test(e.message),
  );
});

test('apply: run for real with a recording kubectl — applied and annotated once, then unchanged', () => {
  const dir = tempDir('kk-nld-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const state = path.join(dir, 'annotation');
  const log = path.join(dir, 'calls');
  writeFileSync(log, '');
  writeFileSync(
    path.join(bin, 'kubectl'),
    `#!/bin/bash
echo "kubectl $*" >> ${log}
case "$*" in
  *" get daemonset nodelocaldns -o jsonpath"*) cat ${state} 2>/dev/null || exit 1 ;;
  *" apply -f -") cat > ${dir}/applied ;;
  *" annotate daemonset nodelocaldns "*) echo "\${@: -2:1}" | cut -d= -f2 > ${state} ;;
esac
`,
  );
  chmodSync(path.join(bin, 'kubectl'), 0o755);
  const spec = nodelocaldnsStep.plan(inputs(), 'node1')[0]!.spec;
  assert.ok('exec' in spec);
  const run = () => spawnSync('/bin/bash', ['-c', spec.exec.script ?? ''], { env: { PATH: `${bin}:/usr/bin:/bin` }, encoding: 'utf8' });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, 'nodelocaldns applied\n');
  assert.equal(readFileSync(path.join(dir, 'applied'), 'utf8'), nodelocaldnsManifest(inputs().model));
  assert.match(readFileSync(state, 'utf8'), /^[0-9a-f]{64}\n$/);
  writeFileSync(log, '');
  assert.equal(run().status, UNCHANGED);
  assert.doesNotMatch(readFileSync(log, 'utf8'), /apply|annotate/);
});
