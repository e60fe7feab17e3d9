// The operator's labels, taints and annotations: read per host, checked for shape, applied from
// the first control plane only where the node differs (run for real against a recording kubectl).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeLabelsStep, nodeMeta, parseTaint } from '../../../../coordinator/phases/install/steps/node-labels';
import { stepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED } from '../../../../coordinator/phases/install/step';
import { UserError } from '../../../../shared/errors';
import { model, tempDir, inventoryText } from '../helpers';

const INV = inventoryText({
  hosts: {
    cp1: '{internal_ipv4: 10.0.0.1}',
    w1: '{internal_ipv4: 10.0.0.2, kubernetes: {custom_labels: {gpu: "true"}, custom_taints: ["dedicated=gpu:NoSchedule"]}}',
    w2: '{internal_ipv4: 10.0.0.3}',
  },
  controlPlanes: ['cp1'],
  workers: ['w1', 'w2'],
  etcd: ['cp1'],
});

const inputs = (spec = '', inv = INV) =>
  stepInputs({ model: model(spec, inv), resolved: [], pkiDir: tempDir('kk-pki-'), arches: ['amd64'], param: (_k, make) => make() });

test("per host: a host's own vars, else the config's; hosts without any are skipped", () => {
  const inp = inputs('  annotations: {team: infra}\n');
  assert.deepEqual(nodeLabelsStep.hosts(inp.model), ['cp1', 'w1', 'w2']);
  assert.deepEqual(nodeMeta(inp.model, 'w1'), {
    labels: { gpu: 'true' },
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    annotations: { team: 'infra' },
  });
  assert.deepEqual(nodeMeta(inp.model, 'w2'), { labels: {}, taints: [], annotations: { team: 'infra' } });
  assert.deepEqual(nodeLabelsStep.hosts(inputs().model), ['w1']);
  const t = nodeLabelsStep.plan(inputs(), 'w1');
  assert.equal(t.length, 1);
  assert.equal(t[0]!.delegateTo, 'cp1');
  assert.equal(t[0]!.description, 'on cp1: w1 label gpu=true, taint dedicated=gpu:NoSchedule');
});

test('taints as strings or maps; clear errors for bad keys, effects and shapes', () => {
  assert.deepEqual(parseTaint('node.example.com/role:NoExecute', 'h'), { key: 'node.example.com/role', value: '', effect: 'NoExecute' });
  assert.deepEqual(parseTaint({ key: 'a', value: 1, effect: 'PreferNoSchedule' }, 'h'), { key: 'a', value: '1', effect: 'PreferNoSchedule' });
  assert.throws(
    () => parseTaint('a=b', 'h'),
    (e: unknown) => e instanceof UserError && /h: kubernetes\.custom_taints: "a=b" — write key=value:Effect or key:Effect/.test(e.message),
  );
  assert.throws(
    () => parseTaint('a=b:Sometimes', 'h'),
    (e: unknown) => e instanceof UserError && /effect "Sometimes" of a — one of NoSchedule, PreferNoSchedule, NoExecute/.test(e.message),
  );
  assert.throws(
    () => nodeMeta(inputs('  kubernetes: {custom_labels: {"bad key": x}}\n').model, 'cp1'),
    (e: unknown) => e instanceof UserError && /cp1: kubernetes\.custom_labels: "bad key" is not a valid key/.test(e.message),
  );
  assert.throws(
    () => nodeMeta(inputs('  kubernetes: {custom_taints: {a: b}}\n').model, 'cp1'),
    (e: unknown) => e instanceof UserError && /expected a list/.test(e.message),
  );
});

test('the script, run for real against a recording kubectl: only what differs is sent, then unchanged', () => {
  const dir = tempDir('kk-meta-');
  const bin = path.join(dir, 'bin');
  mkdirSync(bin);
  const log = path.join(dir, 'calls');
  for (const f of ['labels', 'annotations', 'taints', 'calls']) writeFileSync(path.join(dir, f), '');
  writeFileSync(path.join(dir, 'labels'), 'kubernetes.io/hostname=w1\ngpu=false\n');
  writeFileSync(
    path.join(bin, 'kubectl'),
    `#!/bin/bash
D=${dir}
args="$*"
case "$args" in
  *"get node w1 -o go-template="*".metadata.labels"*) cat $D/labels ;;
  *"get node w1 -o go-template="*".metadata.annotations"*) cat $D/annotations ;;
  *"get node w1 -o go-template="*".spec.taints"*) cat $D/taints ;;
  *" label node w1 "*) echo "$args" >> ${log}; kv=\${@: -2:1}; grep -v "^\${kv%%=*}=" $D/labels > $D/l.tmp || true; echo "$kv" >> $D/l.tmp; mv $D/l.tmp $D/labels ;;
  *" taint node w1 "*) echo "$args" >> ${log}; t=\${@: -2:1}; case "$t" in *=*) echo "$t" ;; *) echo "\${t%%:*}=:\${t#*:}" ;; esac >> $D/taints ;;
  *) echo "unexpected: $args" >&2; exit 9 ;;
esac
`,
  );
  chmodSync(path.join(bin, 'kubectl'), 0o755);
  const spec = nodeLabelsStep.plan(inputs(), 'w1')[0]!.spec;
  assert.ok('exec' in spec);
  const run = () =>
    spawnSync('/bin/bash', ['-c', `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${spec.exec.script ?? ''}`], {
      env: { PATH: `${bin}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
  const first = run();
  assert.equal(first.status, 0, first.stderr);
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n'), [
    '--kubeconfig /etc/kubernetes/admin.conf label node w1 gpu=true --overwrite',
    '--kubeconfig /etc/kubernetes/admin.conf taint node w1 dedicated=gpu:NoSchedule --overwrite',
  ]);
  assert.match(readFileSync(path.join(dir, 'labels'), 'utf8'), /^gpu=true$/m);
  writeFileSync(log, '');
  const again = run();
  assert.equal(again.status, UNCHANGED, again.stderr);
  assert.equal(readFileSync(log, 'utf8'), '');
});
