// A highly available cluster on five systemd machines joined by the one-liner, offline from the
// components' bundle: three control planes with stacked etcd (kubeadm's own, joined one at a
// time), two workers reaching the API servers through their local haproxy static pod
// (control_plane_endpoint.type: haproxy), a docker-registry on node4, flannel. Then one API
// server stopped: the workers go on through the other two; and a re-run changes nothing.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COORDINATOR_BIN, eventually } from '../lib/coordinator';
import { testbedDown, execIn, installDebs } from '../lib/testbed';
import { joinedCluster, type JoinedCluster } from '../lib/cluster';
import { installSuiteSkip, runIdOf, sh } from '../lib/install';
import { componentsManifest, machineConfig, OS_PACKAGES } from '../lib/components';

const manifest = componentsManifest();
const skip = installSuiteSkip();

let c: JoinedCluster;

function create(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const p = spawn(COORDINATOR_BIN, ['create', 'cluster', '-y', ...args, '--data-dir', c.coord.dataDir], { cwd: c.dir });
    let out = '';
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    p.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

const kubectl = (...args: string[]): string =>
  execFileSync(path.join(manifest!.bin, 'kubectl'), ['--kubeconfig', path.join(c.dir, 'kubeconfig'), ...args], { encoding: 'utf8' });

describe('HA: three control planes with stacked etcd, workers through haproxy, on five machines', { skip }, () => {
  let args: string[] = [];
  let firstRun = '';

  before(async () => {
    const m = manifest!;
    c = await joinedCluster(5, '', {}, { kube: true });
    writeFileSync(
      c.inventory,
      `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: e2e-ha}
spec:
  hosts:
${c.machines.map((x) => `    ${x.name}: {internal_ipv4: ${x.ip}}`).join('\n')}
  groups:
    kube_control_plane: {hosts: [node1, node2, node3]}
    kube_worker: {hosts: [node4, node5]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1, node2, node3]}
    image_registry: {hosts: [node4]}
`,
    );
    writeFileSync(
      c.config,
      machineConfig(m.config, {
        etcd: { deployment_type: 'internal' },
        kubernetes: { control_plane_endpoint: { type: 'haproxy' } },
        audit: true,
      }),
    );
    args = ['--artifact', m.artifact, '-i', c.inventory, '-c', c.config];
    // One machine at a time: they share the host's download cache.
    for (const x of c.machines) await installDebs(x.name, OS_PACKAGES);
  });

  after(async () => {
    await c?.coord.stop();
    c?.coord.cleanup();
    if (c) rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  });

  test('create cluster: five Ready nodes, three of them control planes', async () => {
    const r = await create(args);
    firstRun = r.out;
    assert.equal(r.code, 0, r.out.slice(-6000));
    // The control planes joined one at a time, in inventory order.
    const joins = [...r.out.matchAll(/\[(node[23])\] install: kubeadm-join-control-plane: kubeadm join ok/g)].map((x) => x[1]);
    assert.deepEqual(joins, ['node2', 'node3']);
    const nodes = kubectl(
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status},{.status.nodeInfo.kubeletVersion},{.metadata.labels.node-role\\.kubernetes\\.io/control-plane} {end}',
    );
    assert.equal(nodes.trim(), ['node1', 'node2', 'node3', 'node4', 'node5'].map((n) => `${n}=True,${manifest!.kubernetes_version},`).join(' '), nodes);
    const cps = kubectl('get', 'nodes', '-l', 'node-role.kubernetes.io/control-plane', '-o', 'name');
    assert.equal(cps.trim(), 'node/node1\nnode/node2\nnode/node3');
  });

  test("audit: true — every API server writes its audit log by kk's policy", async () => {
    kubectl('create', 'configmap', 'kk-audit-probe', '--from-literal=secret-ish=do-not-log');
    for (const n of ['node1', 'node2', 'node3']) {
      assert.equal(await sh(n, 'stat -c %a /etc/kubernetes/audit/policy.yaml'), '600', n);
    }
    // The request went to one of the three API servers (haproxy is not in the operator's path: the first control plane is).
    await eventually(
      async () =>
        Number(
          (
            await execIn('node1', ['bash', '-c', 'cat /var/log/kubernetes/audit/audit.log | grep kk-audit-probe | grep -c \'"verb":"create"\' || true'])
          ).stdout.trim(),
        ) > 0,
      "the create is in node1's audit log",
      60_000,
    );
    const logs = (await Promise.all(['node1', 'node2', 'node3'].map((n) => execIn(n, ['bash', '-c', 'cat /var/log/kubernetes/audit/audit.log']))))
      .map((r) => r.stdout)
      .join('');
    const created = logs.split('\n').filter((l) => l.includes('kk-audit-probe') && l.includes('"verb":"create"'));
    assert.ok(created.length >= 1, "the configmap's creation was audited");
    assert.ok(!created.some((l) => l.includes('do-not-log')), "a ConfigMap's content is never logged (Metadata level)");
  });

  test('stacked etcd: three started members, one per control plane', async () => {
    const list = kubectl(
      '-n',
      'kube-system',
      'exec',
      'etcd-node1',
      '--',
      'etcdctl',
      '--endpoints',
      'https://127.0.0.1:2379',
      '--cacert',
      '/etc/kubernetes/pki/etcd/ca.crt',
      '--cert',
      '/etc/kubernetes/pki/etcd/server.crt',
      '--key',
      '/etc/kubernetes/pki/etcd/server.key',
      'member',
      'list',
    );
    const members = list
      .trim()
      .split('\n')
      .map((l) => l.split(', '));
    assert.deepEqual(members.map((f) => `${f[2]} ${f[1]}`).sort(), ['node1 started', 'node2 started', 'node3 started'], list);
    // No external etcd was installed.
    for (const n of ['node1', 'node2', 'node3']) assert.equal(await sh(n, 'systemctl is-active etcd 2>/dev/null || true'), 'inactive');
  });

  test('the workers reach the API servers through their local haproxy; the control planes their own', async () => {
    for (const n of ['node4', 'node5']) {
      assert.equal(await sh(n, "getent ahostsv4 lb.kubesphere.local | awk '{print $1; exit}'"), '127.0.0.1', n);
      assert.match(
        await sh(n, 'timeout 5 bash -c \'exec 3<>/dev/tcp/127.0.0.1/8081; printf "GET /healthz HTTP/1.0\\r\\n\\r\\n" >&3; head -n1 <&3\''),
        / 200 /,
        `${n}: haproxy's health endpoint`,
      );
      assert.match(await sh(n, 'grep server: /etc/kubernetes/kubelet.conf'), /https:\/\/lb\.kubesphere\.local:6443/);
      const cfg = await sh(n, 'cat /etc/kubekey/haproxy/haproxy.cfg');
      for (const [i, cp] of ['node1', 'node2', 'node3'].entries())
        assert.match(cfg, new RegExp(`server ${cp} ${c.machines[i]!.ip.replace(/\./g, '\\.')}:6443 check`));
      assert.equal(await sh(n, 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf get node ' + n + ' -o jsonpath={.metadata.name}'), n);
    }
    for (const n of ['node1', 'node2', 'node3']) assert.equal(await sh(n, "getent ahostsv4 lb.kubesphere.local | awk '{print $1; exit}'"), '127.0.0.1', n);
    assert.equal(
      kubectl(
        '-n',
        'kube-system',
        'get',
        'pods',
        '-l',
        'k8s-app=kube-haproxy',
        '-o',
        'jsonpath={range .items[*]}{.spec.nodeName}={.status.phase} {end}',
      ).trim(),
      'node4=Running node5=Running',
    );
  });

  test("node1's API server stopped: the workers carry on through node2 and node3", async () => {
    await sh('node1', 'mkdir -p /root/held && mv /etc/kubernetes/manifests/kube-apiserver.yaml /root/held/');
    try {
      await eventually(
        async () =>
          (
            await execIn('node1', [
              'bash',
              '-c',
              '[ -z "$(crictl ps -q --name kube-apiserver)" ] && ! timeout 3 bash -c "exec 3<>/dev/tcp/127.0.0.1/6443" 2>/dev/null',
            ])
          ).code === 0,
        "node1's API server stopped",
        180_000,
      );
      // Each worker's haproxy sees it go (two failed checks, 5 s apart).
      for (const n of ['node4', 'node5']) {
        await eventually(
          async () =>
            /kube_api_backend\/node1 is DOWN/.test((await execIn(n, ['bash', '-c', 'crictl logs "$(crictl ps -q --name haproxy | head -n1)" 2>&1'])).stdout),
          `${n}'s haproxy marks node1 down`,
          60_000,
        );
      }
      // haproxy drops node1 after two failed checks; from then on every request goes elsewhere.
      await eventually(
        async () => {
          for (let i = 0; i < 5; i++) {
            const r = await execIn('node4', ['bash', '-c', 'kubectl --kubeconfig /etc/kubernetes/kubelet.conf --request-timeout=5s get node node4 -o name']);
            if (r.code !== 0) return false;
          }
          return true;
        },
        'node4 reaches the API through haproxy five times in a row',
        120_000,
      );
      const r = await execIn('node5', [
        'kubectl',
        '--kubeconfig',
        '/etc/kubernetes/kubelet.conf',
        '--request-timeout=5s',
        'get',
        'node',
        'node5',
        '-o',
        'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
      ]);
      assert.equal(r.stdout.trim(), 'True', r.stderr);
    } finally {
      await sh('node1', 'mv /root/held/kube-apiserver.yaml /etc/kubernetes/manifests/');
    }
    await eventually(
      async () => (await execIn('node1', ['bash', '-c', 'kubectl --kubeconfig /etc/kubernetes/admin.conf get --raw /readyz'])).code === 0,
      "node1's API server back",
      180_000,
    );
  });

  test('a second create cluster changes nothing', async () => {
    assert.ok(firstRun, 'the first run happened');
    const r = await create(args);
    assert.equal(r.code, 0, r.out.slice(-4000));
    const rec = JSON.parse((await c.coord.cli(['runs', 'show', runIdOf(r.out), '-o', 'json'])).stdout) as {
      phaseRecords: { name: string; tasks: { task: string; host: string; changed?: boolean }[] }[];
    };
    const install = rec.phaseRecords.find((p) => p.name === 'install')!;
    const changed = install.tasks.filter((t) => t.changed === true && !/health|push images/.test(t.task));
    assert.deepEqual(
      changed.map((t) => `${t.host} ${t.task}`),
      [],
      'no install task changed anything',
    );
  });
});
