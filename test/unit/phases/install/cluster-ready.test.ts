// The readiness checks: the node-Ready loop and the DNS query written in bash, the latter against
// the real CoreDNS built by `make components` (skipped without it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { dnsQueryScript, clusterReadyStep } from '../../../../coordinator/phases/install/steps/cluster-ready';
import { stepInputs } from '../../../../coordinator/phases/install/inputs';
import type { CommandSpec } from '../../../../coordinator/phases/executor';
import { model, tempDir } from '../helpers';

const COREDNS = path.join(process.env.KK_COMPONENTS_DIR ?? '/var/cache/kk-components', 'build/coredns/v1.12.1/coredns');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

test(
  'the bash DNS query gets an answer from the real CoreDNS over TCP, and fails for a name it does not know',
  { skip: existsSync(COREDNS) ? false : `no CoreDNS build at ${COREDNS} (make components)` },
  async () => {
    const dir = tempDir('kk-coredns-');
    const port = await freePort();
    writeFileSync(path.join(dir, 'Corefile'), `.:${port} {\n  bind 127.0.0.1\n  hosts {\n    10.233.0.1 kubernetes.default.svc.cluster.local\n  }\n}\n`);
    const dns = spawn(COREDNS, ['-conf', path.join(dir, 'Corefile')], { stdio: 'ignore' });
    try {
      const run = (name: string) =>
        spawnSync('bash', ['-c', `${dnsQueryScript('127.0.0.1', port, name)}\nfor i in $(seq 1 50); do dns_query && exit 0; sleep 0.1; done; exit 1`], {
          encoding: 'utf8',
        });
      const ok = run('kubernetes.default.svc.cluster.local');
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /1 answer\(s\) for kubernetes\.default\.svc\.cluster\.local from 127\.0\.0\.1/);
      const miss = spawnSync('bash', ['-c', `${dnsQueryScript('127.0.0.1', port, 'nothing.example')}\ndns_query`], { encoding: 'utf8' });
      assert.notEqual(miss.status, 0, 'no answer for an unknown name');
    } finally {
      dns.kill();
    }
  },
);

test("every Kubernetes node checks itself with its kubelet's credentials; on timeout it names the node and the kubelet's errors", () => {
  const inp = stepInputs({ model: model('  dns: {domain: example.local}\n'), resolved: [], pkiDir: tempDir(), arches: ['amd64'], param: (_k, make) => make() });
  const hosts = clusterReadyStep.hosts(inp.model);
  assert.deepEqual(hosts, ['node1', 'node2', 'node3']);
  const spec: CommandSpec = clusterReadyStep.plan(inp, 'node2')[0]!.spec;
  assert.ok('exec' in spec);
  const s = spec.exec.script ?? '';
  assert.match(s, /--kubeconfig \/etc\/kubernetes\/kubelet\.conf get node 'node2'/);
  assert.match(s, /journalctl -u kubelet/);
  assert.match(s, /did not become Ready/);
  const gate = clusterReadyStep.gate!(inp, hosts)!;
  assert.equal(gate.host, 'node1');
  assert.ok('exec' in gate.task.spec);
  assert.match(gate.task.spec.exec.script ?? '', /kubernetes\.default\.svc\.example\.local/);
});
