// The install phase, part 1, on three systemd machines joined by the one-liner, offline from the
// components' bundle (no network beyond the test bridge): etcd on all three, containerd
// everywhere, a docker-registry on node3 with the bundle's images pushed to it. Then the re-run
// that changes nothing, and the faults: the coordinator killed during the etcd step (--resume),
// an etcd member frozen mid-run (the health gate names it), a corrupted bundle (refused before
// anything is placed).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, openSync, readFileSync, statSync, writeFileSync, writeSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { COORDINATOR_BIN, eventually } from '../lib/coordinator';
import { testbedDown, execIn, copyIn, installDebs } from '../lib/testbed';
import { joinedCluster, type JoinedCluster } from '../lib/cluster';
import { installSuiteSkip, runIdOf, sh } from '../lib/install';
import { componentsManifest, machineConfig, OS_PACKAGES } from '../lib/components';
import { execFileSync } from 'node:child_process';
import { loadCluster } from '../../../coordinator/inventory/load';
import { nodelocaldnsManifest } from '../../../coordinator/phases/install/steps/nodelocaldns';
import YAML from 'yaml';
import { CALICO, CILIUM, chartFile, kkValues, missing, render, type K8sObject } from '../lib/charts';
import { multusManifest } from '../../../coordinator/phases/install/steps/cni/multus';
import { selfSignedEc } from '../../lib/openssl';

const manifest = componentsManifest();
const skip = installSuiteSkip();

let c: JoinedCluster;
const ETCDCTL = 'set -a; . /etc/etcd.env; set +a; etcdctl';

interface Cli {
  code: number;
  out: string;
}
function create(args: string[], onOut?: (text: string) => void): { done: Promise<Cli>; kill: () => void } {
  const p = spawn(COORDINATOR_BIN, ['create', 'cluster', '-y', ...args, '--data-dir', c.coord.dataDir], { cwd: c.dir });
  let out = '';
  const take = (d: Buffer): void => {
    out += d.toString();
    onOut?.(out);
  };
  p.stdout.on('data', take);
  p.stderr.on('data', take);
  return { done: new Promise((resolve) => p.on('exit', (code) => resolve({ code: code ?? -1, out }))), kill: () => p.kill('SIGKILL') };
}

/** etcd keeps the old cluster's objects: a new kubeadm init must start from an empty store. */
async function emptyStore(): Promise<void> {
  await sh(
    'node1',
    `for i in $(seq 1 30); do ${ETCDCTL} endpoint health --cluster >/dev/null 2>&1 && break; sleep 2; done; ${ETCDCTL} --command-timeout=60s del /registry --prefix >/dev/null`,
  );
}

function deleteCluster(extra: string[]): Promise<Cli> {
  return new Promise((resolve) => {
    const p = spawn(COORDINATOR_BIN, ['delete', 'cluster', '-y', '-i', c.inventory, '-c', c.config, ...extra, '--data-dir', c.coord.dataDir], { cwd: c.dir });
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

/** Unit start times and config digests: what a re-run must leave exactly as it was. */
async function nodeState(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of ['node1', 'node2', 'node3']) {
    const units = n === 'node3' ? 'etcd containerd kubelet docker-registry' : 'etcd containerd kubelet';
    out[n] = await sh(
      n,
      `for u in ${units}; do echo "$u $(systemctl show -p ActiveEnterTimestampMonotonic --value $u)"; done;` +
        ' sha256sum /etc/etcd.env /etc/ssl/etcd/ssl/* /etc/containerd/config.toml /usr/local/bin/etcd /usr/local/bin/containerd /usr/local/bin/kubelet' +
        ' /etc/kubernetes/kubeadm-config.yaml /etc/kubernetes/*.conf /etc/kubernetes/manifests/* /etc/hosts 2>/dev/null || true',
    );
  }
  return out;
}

describe('install part 1 on three machines, offline from the components bundle', { skip }, () => {
  let args: string[] = [];

  before(async () => {
    const m = manifest!;
    c = await joinedCluster(3, '', {}, { kube: true });
    const ips = c.machines.map((x) => x.ip);
    writeFileSync(
      c.inventory,
      `apiVersion: kubekey.kubesphere.io/v1
kind: Inventory
metadata: {name: e2e}
spec:
  hosts:
${c.machines.map((x) => `    ${x.name}: {internal_ipv4: ${x.ip}}`).join('\n')}
  groups:
    kube_control_plane: {hosts: [node1]}
    kube_worker: {hosts: [node2, node3]}
    k8s_cluster: {groups: [kube_control_plane, kube_worker]}
    etcd: {hosts: [node1, node2, node3]}
    image_registry: {hosts: [node3]}
`,
    );
    writeFileSync(c.config, machineConfig(m.config));
    args = ['--phases', 'pre_hook,precheck,init,install', '--artifact', m.artifact, '-i', c.inventory, '-c', c.config];
    // One machine at a time: they share the host's download cache.
    for (const x of c.machines) await installDebs(x.name, OS_PACKAGES);
    assert.equal(ips.length, 3);
  });

  after(async () => {
    await c?.coord.stop();
    c?.coord.cleanup();
    if (c) rmSync(c.dir, { recursive: true, force: true });
    await testbedDown();
  });

  let firstRun = '';

  test('a corrupted bundle is refused before anything reaches a node', async () => {
    const bad = path.join(c.dir, 'tampered.tgz');
    copyFileSync(manifest!.artifact, bad);
    const fd = openSync(bad, 'r+');
    writeSync(fd, Buffer.from([0x42]), 0, 1, Math.floor(readFileSync(bad).length / 2));
    closeSync(fd);
    const r = await create([...args.slice(0, 2), '--artifact', bad, ...args.slice(4)]).done;
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /init failed|offline bundle/, r.out.slice(-4000));
    for (const n of ['node1', 'node2', 'node3']) {
      assert.equal(await sh(n, 'ls /opt/kubekey/artifacts /etc/etcd.env /etc/containerd 2>/dev/null | wc -l'), '0', `${n}: nothing placed`);
    }
  });

  test('the coordinator killed during the etcd step: --resume completes without restarting healthy members', async () => {
    let killed = false;
    const run = create(args, (out) => {
      if (!killed && /\[node\d\] install: etcd: write etcd\.env ok/.test(out)) {
        killed = true;
        c.coord.proc?.kill('SIGKILL');
      }
    });
    const first = await run.done;
    assert.ok(killed, `the etcd step was reached:\n${first.out}`);
    firstRun = runIdOf(first.out);
    assert.ok(firstRun, first.out);
    const proc = c.coord.proc!;
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
    await c.coord.start();
    await eventually(
      async () => {
        const nodes = await c.coord.json<{ connected: boolean }[]>(['nodes']);
        return nodes.filter((n) => n.connected).length === 3;
      },
      'agents reconnected',
      60_000,
    );
    // Members that were already started keep running: their start time must not move.
    const startedBefore: Record<string, string> = {};
    for (const n of ['node1', 'node2', 'node3']) startedBefore[n] = await sh(n, 'systemctl show -p ActiveEnterTimestampMonotonic --value etcd');
    const resumed = await create(['--resume', firstRun]).done;
    assert.equal(resumed.code, 0, resumed.out);
    for (const n of ['node1', 'node2', 'node3']) {
      const now = await sh(n, 'systemctl show -p ActiveEnterTimestampMonotonic --value etcd');
      if (startedBefore[n] !== '0') assert.equal(now, startedBefore[n], `${n}: etcd was running before --resume and was not restarted`);
    }
  });

  test('etcd: three healthy members over TLS; a key written on node1 reads back on node3', async () => {
    const health = await sh('node1', `${ETCDCTL} endpoint health --cluster`);
    assert.equal(health.split('\n').filter((l) => / is healthy/.test(l)).length, 3, health);
    await sh('node1', `${ETCDCTL} put kk-e2e "written on node1"`);
    assert.equal(await sh('node3', `${ETCDCTL} get kk-e2e --print-value-only`), 'written on node1');
    assert.equal(await sh('node2', 'stat -c %a /etc/ssl/etcd/ssl/server.key'), '600');
    assert.match(await sh('node2', 'systemctl is-active backup-etcd.timer'), /^active$/);
  });

  test('registry on node3: images pushed; node2 pulls one over TLS and runs it; plain HTTP and a foreign CA are refused', async () => {
    const reg = c.machines.find((x) => x.name === 'node3')!.ip;
    const agnhost = manifest!.images.find((i) => i.includes('/agnhost:'))!;
    const ref = `${reg}/${agnhost.split('/').slice(1).join('/')}`;
    await sh('node2', `crictl pull ${ref}`);
    const out = await sh('node2', `ctr -n k8s.io run --rm ${ref} kk-e2e-run /agnhost --help 2>&1 | head -n 3`);
    assert.match(out, /^Usage:/, 'agnhost ran in a container from the pulled image');
    const plain = await execIn('node2', ['bash', '-c', `curl -sS -o /dev/null -w '%{http_code}' http://${reg}:443/v2/`]);
    assert.notEqual(plain.stdout.trim(), '200', 'plain HTTP is not served');
    selfSignedEc({ key: path.join(c.dir, 'o.key'), cert: path.join(c.dir, 'other-ca.crt'), subject: '/CN=other' });
    await copyIn('node2', path.join(c.dir, 'other-ca.crt'), '/tmp/other-ca.crt');
    const foreign = await execIn('node2', ['bash', '-c', `curl -sS --cacert /tmp/other-ca.crt https://${reg}/v2/`]);
    assert.notEqual(foreign.code, 0, 'a client trusting another CA cannot verify the registry');
    assert.match(foreign.stderr, /certificate/i);
    assert.equal((await execIn('node2', ['bash', '-c', `curl -fsS --cacert /etc/containerd/certs.d/${reg}/ca.crt https://${reg}/v2/`])).code, 0);
  });

  test('Kubernetes: three Ready nodes at the pinned version; pods on two nodes reach each other by pod IP and by service name', async () => {
    const kubeconfig = path.join(c.dir, 'kubeconfig');
    assert.equal(statSync(kubeconfig).mode & 0o777, 0o600);
    const kubectl = (a: string[]): string => execFileSync(path.join(manifest!.bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...a], { encoding: 'utf8' });
    const nodes = JSON.parse(kubectl(['get', 'nodes', '-o', 'json'])) as {
      items: { metadata: { name: string }; status: { nodeInfo: { kubeletVersion: string }; conditions: { type: string; status: string }[] } }[];
    };
    assert.deepEqual(nodes.items.map((n) => n.metadata.name).sort(), ['node1', 'node2', 'node3']);
    for (const n of nodes.items) {
      assert.equal(n.status.nodeInfo.kubeletVersion, manifest!.kubernetes_version);
      assert.equal(n.status.conditions.find((x) => x.type === 'Ready')?.status, 'True', n.metadata.name);
    }
    const reg = c.machines.find((x) => x.name === 'node3')!.ip;
    const image = `${reg}/${manifest!.images
      .find((i) => i.includes('/agnhost:'))!
      .split('/')
      .slice(1)
      .join('/')}`;
    const pod = (name: string, node: string): string => `apiVersion: v1
kind: Pod
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  nodeName: ${node}
  containers:
  - {name: agnhost, image: "${image}", args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}
---
`;
    const manifestFile = path.join(c.dir, 'agnhost.yaml');
    writeFileSync(
      manifestFile,
      `${pod('agn2', 'node2')}${pod('agn3', 'node3')}apiVersion: v1
kind: Service
metadata: {name: agn3}
spec: {selector: {app: agn3}, ports: [{port: 80, targetPort: 8080}]}
`,
    );
    kubectl(['apply', '-f', manifestFile]);
    kubectl(['wait', '--for=condition=Ready', 'pod/agn2', 'pod/agn3', '--timeout=180s']);
    const ip3 = kubectl(['get', 'pod', 'agn3', '-o', 'jsonpath={.status.podIP}']).trim();
    const ip2 = kubectl(['get', 'pod', 'agn2', '-o', 'jsonpath={.status.podIP}']).trim();
    assert.notEqual(ip3.split('.').slice(0, 3).join('.'), ip2.split('.').slice(0, 3).join('.'), 'the pods are in different node subnets');
    // node2's pod to node3's pod: across machines over flannel's VXLAN.
    assert.equal(kubectl(['exec', 'agn2', '--', '/agnhost', 'connect', `${ip3}:8080`, '--timeout=5s']), '');
    // …and through the ClusterIP service by its DNS name (CoreDNS at dns.coredns.ip, kube-proxy).
    // kube-proxy programs a new Service's endpoints within moments of the pod being Ready.
    await eventually(
      async () => {
        try {
          return kubectl(['exec', 'agn2', '--', '/agnhost', 'connect', 'agn3.default.svc.cluster.local:80', '--timeout=5s']) === '';
        } catch {
          return false;
        }
      },
      'agn3 answers through its Service by DNS name',
      60_000,
    );
    // A name that does not exist is refused: the check above really went through DNS.
    assert.throws(() => kubectl(['exec', 'agn2', '--', '/agnhost', 'connect', 'nothing-here.default.svc.cluster.local:80', '--timeout=5s']));
  });

  // node-cache's module is refused by the module proxy, so its image cannot exist here: the
  // bundle's config turns nodelocaldns off, and the live API server validates kk's manifest.
  test("nodelocaldns: the API server accepts kk's manifest (server-side dry run)", () => {
    const config = path.join(c.dir, 'config-nodelocaldns.yaml');
    writeFileSync(config, machineConfig(manifest!.config, { dns: { nodelocaldns: { enabled: true } } }));
    const text = nodelocaldnsManifest(loadCluster(c.inventory, config));
    const out = execFileSync(path.join(manifest!.bin, 'kubectl'), ['--kubeconfig', path.join(c.dir, 'kubeconfig'), 'apply', '--dry-run=server', '-f', '-'], {
      input: text,
      encoding: 'utf8',
    });
    assert.equal(
      out.trim(),
      [
        'serviceaccount/nodelocaldns created (server dry run)',
        'configmap/nodelocaldns created (server dry run)',
        'daemonset.apps/nodelocaldns created (server dry run)',
      ].join('\n'),
    );
  });

  // Only flannel's images exist here, so calico, cilium and multus cannot run; the API server
  // still judges every object kk would install for them: CRDs are created for real (and removed
  // after), everything else is sent with dryRun=All (admission, schemas, defaults).
  async function serverDryRun(objs: K8sObject[], namespace: string): Promise<void> {
    const kubeconfig = path.join(c.dir, 'kubeconfig');
    const k = (args: string[], input?: string): string =>
      execFileSync(path.join(manifest!.bin, 'kubectl'), ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8', ...(input ? { input } : {}) });
    const crds = objs.filter((o) => o.kind === 'CustomResourceDefinition');
    const rest = objs.filter((o) => o.kind !== 'CustomResourceDefinition');
    const yaml = (xs: object[]): string => xs.map((o) => YAML.stringify(o)).join('---\n');
    // A dry run needs the objects' namespaces to exist: those that do not are made for the test.
    const wanted = [...new Set([namespace, ...rest.map((o) => o.metadata.namespace).filter((n): n is string => typeof n === 'string')])];
    const made = wanted.filter((ns) => k(['get', 'namespace', ns, '--ignore-not-found', '-o', 'name']).trim() === '');
    try {
      for (const ns of made) k(['create', 'namespace', ns]);
      if (crds.length > 0) {
        k(['apply', '--server-side', '-f', '-'], yaml(crds));
        // kubectl wait fails at once on a CRD that has no conditions yet: poll instead.
        await eventually(
          async () =>
            crds.every((o) => k(['get', `crd/${o.metadata.name}`, '-o', 'jsonpath={.status.conditions[?(@.type=="Established")].status}']).trim() === 'True'),
          'the CRDs are established',
          120_000,
        );
      }
      const out = k(
        ['apply', '--dry-run=server', '-f', '-'],
        yaml(rest.map((o) => (o.metadata.namespace ? o : { ...o, metadata: { ...o.metadata, namespace } }))),
      )
        .trim()
        .split('\n');
      assert.equal(out.length, rest.length, out.join('\n'));
      for (const line of out) assert.match(line, /(created|configured|unchanged) \(server dry run\)$/);
      assert.ok(
        rest.some((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment'),
        'the workloads were judged too',
      );
    } finally {
      if (crds.length > 0) k(['delete', '--ignore-not-found', '--wait=false', ...crds.map((o) => `crd/${o.metadata.name}`)]);
      for (const ns of made) k(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
    }
  }

  for (const [type, chart, version, release, namespace] of [
    ['cilium', 'cilium', CILIUM, 'cilium', 'kube-system'],
    ['calico', 'tigera-operator', CALICO, 'calico', 'tigera-operator'],
  ] as const) {
    test(
      `${type}: the API server accepts every object of the real chart with kk's values (server-side dry run)`,
      { skip: missing(chart, version) },
      async () => {
        // Images are not pulled by a dry run: the values of a cluster without a registry do.
        const values = kkValues(`  cni: {type: ${type}, ${type}_version: ${version}, pod_cidr: 10.233.64.0/18}\n`, chart, version);
        await serverDryRun(render(release, namespace, chartFile(chart, version), values, { includeCrds: true }), namespace);
      },
    );
  }

  test("multus: the API server accepts kk's manifest (server-side dry run)", async () => {
    const model = loadCluster(c.inventory, c.config);
    const objs = YAML.parseAllDocuments(multusManifest(model))
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => o !== null);
    assert.ok(objs.some((o) => o.kind === 'CustomResourceDefinition' && o.metadata.name === 'network-attachment-definitions.k8s.cni.cncf.io'));
    await serverDryRun(objs, 'kube-system');
  });

  test('a second create cluster changes nothing and restarts nothing', async () => {
    const before = await nodeState();
    const r = await create(args).done;
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /was imported before and every file is in place/, 'the bundle is hashed, not unpacked again');
    assert.deepEqual(await nodeState(), before);
    const runId = runIdOf(r.out);
    const rec = JSON.parse((await c.coord.cli(['runs', 'show', runId, '-o', 'json'])).stdout) as {
      phaseRecords: { name: string; tasks: { task: string; host: string; changed?: boolean; step?: string }[] }[];
    };
    const install = rec.phaseRecords.find((p) => p.name === 'install')!;
    const changed = install.tasks.filter((t) => t.changed === true && !/health|push images/.test(t.task));
    assert.deepEqual(
      changed.map((t) => `${t.host} ${t.task}`),
      [],
      'no install task changed anything',
    );
  });

  test("delete cluster resets Kubernetes on every node; killing the coordinator during the workers' join and resuming joins each worker once", async () => {
    const del = await deleteCluster([]);
    assert.equal(del.code, 0, del.out);
    for (const n of ['node1', 'node2', 'node3']) {
      assert.equal(
        await sh(n, 'if [ -e /etc/kubernetes ] || systemctl list-unit-files kubelet.service | grep -q kubelet; then echo present; else echo absent; fi'),
        'absent',
        `${n}: Kubernetes removed`,
      );
      const etcd = await execIn(n, ['bash', '-c', 'systemctl is-active etcd; systemctl status etcd --no-pager -n 25 2>&1 | tail -n 25']);
      assert.match(
        etcd.stdout,
        /^active\n/,
        `${n}: etcd left in place without --all\n${etcd.stdout}\n${del.out
          .split('\n')
          .filter((l) => l.includes(`[${n}]`))
          .join('\n')}`,
      );
    }
    await emptyStore();
    let killed = false;
    const first = await create(args, (out) => {
      if (!killed && /\[node\d\] install: kubeadm-join-worker: write kubeadm config ok/.test(out)) {
        killed = true;
        c.coord.proc?.kill('SIGKILL');
      }
    }).done;
    assert.ok(killed, `the workers' join was reached:\n${first.out}`);
    const runId = runIdOf(first.out);
    const proc = c.coord.proc!;
    if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
    await c.coord.start();
    await eventually(
      async () => (await c.coord.json<{ connected: boolean }[]>(['nodes'])).filter((n) => n.connected).length === 3,
      'agents reconnected',
      60_000,
    );
    const resumed = await create(['--resume', runId]).done;
    assert.equal(resumed.code, 0, resumed.out);
    const rec = JSON.parse((await c.coord.cli(['runs', 'show', runId, '-o', 'json'])).stdout) as {
      phaseRecords: { name: string; tasks: { task: string; host: string; commandIds: string[]; status: string }[] }[];
    };
    const joins = rec.phaseRecords.find((p) => p.name === 'install')!.tasks.filter((t) => t.task === 'kubeadm-join-worker: kubeadm join');
    assert.deepEqual(
      joins.map((t) => [t.host, t.status, t.commandIds.length]).sort(),
      [
        ['node2', 'ok', 1],
        ['node3', 'ok', 1],
      ],
      'one kubeadm join per worker, across both attempts',
    );
    const kubeconfig = path.join(c.dir, 'kubeconfig');
    const ready = execFileSync(
      path.join(manifest!.bin, 'kubectl'),
      ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status} {end}'],
      { encoding: 'utf8' },
    );
    assert.equal(ready.trim(), 'node1=True node2=True node3=True');
  });

  test('a worker with no route to the control plane: precheck names it and the endpoint; past precheck, its join does; the others join', async () => {
    assert.equal((await deleteCluster([])).code, 0);
    await emptyStore();
    const cp = c.machines.find((x) => x.name === 'node1')!.ip;
    await sh('node3', `iptables -I OUTPUT -d ${cp} -p tcp --dport 6443 -j DROP`);
    try {
      const pre = await create(args).done;
      assert.equal(pre.code, 1, pre.out);
      assert.match(pre.out, /cluster\.reachability +FAIL +1 connection failed: node3 → node1:6443/, pre.out.slice(-4000));
      assert.match(pre.out, /failed in precheck/, pre.out.slice(-4000));
      assert.equal(await sh('node2', 'test -e /etc/kubernetes/kubelet.conf && echo joined || echo untouched'), 'untouched', 'nothing ran past precheck');
      // With that check skipped, the join itself names the node and the endpoint; node2 joins.
      const r = await create([...args, '--skip', 'cluster.reachability']).done;
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /step kubeadm-join-worker: install failed on node3:/, r.out.slice(-4000));
      assert.match(r.out, /\[node3\] kubeadm-join-worker: reach the API server exited with code 1/, r.out.slice(-4000));
      assert.match(r.out, /cannot reach the API server at lb\.kubesphere\.local:6443 \(10\.213\.0\.11\)/, r.out.slice(-4000));
      assert.match(await sh('node2', 'ls /etc/kubernetes/kubelet.conf'), /kubelet\.conf/, 'node2 joined');
      // The route back: --resume finishes the run, node3 joins.
      await sh('node3', `iptables -D OUTPUT -d ${cp} -p tcp --dport 6443 -j DROP`);
      const resumed = await create(['--resume', runIdOf(r.out)]).done;
      assert.equal(resumed.code, 0, resumed.out);
      assert.match(await sh('node3', 'ls /etc/kubernetes/kubelet.conf'), /kubelet\.conf/, 'node3 joined');
    } finally {
      await execIn('node3', ['bash', '-c', `iptables -D OUTPUT -d ${cp} -p tcp --dport 6443 -j DROP 2>/dev/null || true`]);
    }
  });

  test('an etcd member frozen mid-run: the health gate fails naming it', async () => {
    await sh('node2', 'systemctl kill -s SIGSTOP etcd');
    try {
      const r = await create(args).done;
      assert.equal(r.code, 1, r.out);
      assert.match(r.out, /step etcd: its check failed/, r.out.slice(-4000));
      assert.match(r.out, /unhealthy: node2 \(/, r.out.slice(-4000));
      assert.doesNotMatch(r.out, /unhealthy: node1 \(|unhealthy: node3 \(/);
    } finally {
      await sh('node2', 'systemctl kill -s SIGCONT etcd');
    }
  });

  // This kernel has no nfsd, so no NFS server can run here (nor on any machine of this host): the
  // test stops where the kernel does. It proves what kk places — /etc/exports, the shared
  // directories, the enabled unit — and that the step then fails naming the host and the reason.
  test('NFS on node1: exports, directories and the enabled unit in place; the step stops at the kernel without nfsd, naming node1', async () => {
    await installDebs('node1', ['nfs-kernel-server']);
    // Debian's package enables the server itself: disabled here so the test sees kk enable it.
    await sh('node1', 'systemctl disable nfs-server.service 2>&1; rm -f /etc/exports; test "$(systemctl is-enabled nfs-server.service)" = disabled');
    const inventory = path.join(c.dir, 'inventory-nfs.yaml');
    writeFileSync(
      inventory,
      readFileSync(c.inventory, 'utf8').replace('    image_registry: {hosts: [node3]}\n', '    image_registry: {hosts: [node3]}\n    nfs: {hosts: [node1]}\n'),
    );
    const config = path.join(c.dir, 'config-nfs.yaml');
    const cfg = readFileSync(c.config, 'utf8').replace(/^spec: \{/m, 'spec: {"nfs":{"share_dir":["/share/","/data/nfs"]},');
    writeFileSync(config, cfg);
    const r = await create(args.map((a) => (a === c.inventory ? inventory : a === c.config ? config : a))).done;
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, /step nfs: install failed on node1:/, r.out.slice(-4000));
    assert.match(r.out, /this kernel has no NFS server support .*nfs-server\.service \(enabled\) are in place/, r.out.slice(-4000));
    assert.equal(await sh('node1', 'grep -v "^#" /etc/exports'), '/share/ *(rw,sync,no_subtree_check)\n/data/nfs *(rw,sync,no_subtree_check)');
    assert.equal(await sh('node1', 'stat -c "%a %U" /share /data/nfs'), '755 nobody\n755 nobody');
    assert.equal(await sh('node1', 'systemctl is-enabled nfs-server.service'), 'enabled');
    assert.match(await sh('node1', 'grep -A1 "^# nfs nodes" /etc/hosts'), new RegExp(`${c.machines[0]!.ip} node1`), 'every node knows the NFS host by name');
    assert.equal(await sh('node2', 'test -e /etc/exports && grep -c share /etc/exports || echo none'), 'none', 'only the nfs group gets exports');
  });
});
