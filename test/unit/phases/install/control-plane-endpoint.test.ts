// The control-plane endpoint's static pods as data: haproxy on the workers (its configuration,
// manifest, the join that switches to it once it answers) and kube-vip on the control planes
// (ARP or BGP, the interface chosen from the node's facts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import YAML from 'yaml';
import {
  haproxyStep,
  haproxyConfig,
  haproxyHosts,
  haproxyReadyScript,
  HAPROXY_CFG,
  HAPROXY_MANIFEST,
} from '../../../../coordinator/phases/install/steps/haproxy';
import { kubeVipStep, kubeVipEnv, kubeVipHosts, KUBE_VIP_MANIFEST } from '../../../../coordinator/phases/install/steps/kube-vip';
import { kubeadmJoinWorkerStep, kubeadmJoinControlPlaneStep } from '../../../../coordinator/phases/install/steps/kubeadm';
import { stepInputs, type StepInputs } from '../../../../coordinator/phases/install/inputs';
import { UNCHANGED, type StepTask } from '../../../../coordinator/phases/install/step';
import type { FactSet, InterfaceFacts } from '../../../../shared/facts/types';
import { UserError } from '../../../../shared/errors';
import { model, tempDir, inventoryText, kubernetesCa } from '../helpers';

const INV = inventoryText({
  hosts: {
    cp1: '{internal_ipv4: 10.0.0.1}',
    cp2: '{internal_ipv4: 10.0.0.2}',
    cp3: '{internal_ipv4: 10.0.0.3}',
    w1: '{internal_ipv4: 10.0.0.4}',
    w2: '{internal_ipv4: 10.0.0.5}',
  },
  controlPlanes: ['cp1', 'cp2', 'cp3'],
  workers: ['cp3', 'w1', 'w2'],
  etcd: ['cp1', 'cp2', 'cp3'],
});

const eth0 = (address: string, prefixLength = 24): InterfaceFacts[] => [
  { name: 'lo', mac: '', mtu: 65536, up: true, addresses: [{ family: 'IPv4', address: '127.0.0.1', prefixLength: 8 }] },
  { name: 'cni0', mac: '', mtu: 1450, up: true, addresses: [{ family: 'IPv4', address: '10.0.0.200', prefixLength: 24 }] },
  { name: 'eth0', mac: 'aa:bb:cc:dd:ee:ff', mtu: 1500, up: true, addresses: [{ family: 'IPv4', address, prefixLength }] },
];

function inputs(spec: string, interfaces: Record<string, InterfaceFacts[]> = {}): StepInputs {
  const pki = tempDir('kk-pki-');
  kubernetesCa(pki);
  const params = new Map<string, string>();
  return stepInputs({
    model: model(`  kubernetes: {kube_version: v1.34.3, ${spec}}\n`, INV),
    resolved: [],
    pkiDir: pki,
    arches: ['amd64'],
    param: (k, make) => params.get(k) ?? params.set(k, make()).get(k)!,
    facts: (h) => (interfaces[h] ? ({ interfaces: interfaces[h] } as Partial<FactSet> as FactSet) : null),
  });
}

const task = (tasks: StepTask[], name: string): StepTask => {
  const t = tasks.find((x) => x.task === name);
  assert.ok(t, `task ${name} in ${tasks.map((x) => x.task).join(', ')}`);
  return t;
};
const fileOf = (t: StepTask): { path: string; text: string; mode: number } => {
  assert.ok('writeFile' in t.spec);
  return { path: t.spec.writeFile.path ?? '', text: t.spec.writeFile.text ?? '', mode: t.spec.writeFile.mode ?? 0 };
};

const HAPROXY = "control_plane_endpoint: {type: haproxy, haproxy: {image: {registry: 'reg.local:443', tag: 2.6.12}}}";

test('haproxy: only on workers that are not control planes, and only for type haproxy', () => {
  assert.deepEqual(haproxyHosts(inputs(HAPROXY).model), ['w1', 'w2']);
  assert.deepEqual(haproxyStep.hosts(inputs('').model), [], 'type local: no haproxy');
  assert.deepEqual(kubeVipHosts(inputs(HAPROXY).model), []);
});

test('haproxy: 127.0.0.1:6443 to every API server by health check, /healthz on 8081; the manifest follows the config', () => {
  const inp = inputs(HAPROXY);
  const cfg = haproxyConfig(inp);
  assert.match(cfg, /\nfrontend healthz\n {2}bind \*:8081\n {2}mode http\n {2}monitor-uri \/healthz\n/);
  assert.match(cfg, /\nfrontend kube_api_frontend\n {2}bind 127\.0\.0\.1:6443\n/);
  assert.match(
    cfg,
    /option httpchk GET \/healthz\n {2}http-check expect status 200\n {2}server cp1 10\.0\.0\.1:6443 check check-ssl verify none\n {2}server cp2 10\.0\.0\.2:6443 check check-ssl verify none\n {2}server cp3 10\.0\.0\.3:6443 check check-ssl verify none\n$/,
  );
  const tasks = haproxyStep.plan(inp, 'w1');
  assert.deepEqual(
    tasks.map((t) => t.task),
    ['write haproxy.cfg', 'write haproxy manifest'],
  );
  assert.deepEqual([fileOf(tasks[0]!).path, fileOf(tasks[0]!).text], [HAPROXY_CFG, cfg]);
  const manifest = fileOf(tasks[1]!);
  assert.deepEqual([manifest.path, manifest.mode], [HAPROXY_MANIFEST, 0o600]);
  const pod = YAML.parse(manifest.text) as {
    metadata: { annotations: Record<string, string> };
    spec: {
      hostNetwork: boolean;
      priorityClassName: string;
      containers: { image: string; command: string[]; livenessProbe: unknown }[];
      volumes: { hostPath: { path: string } }[];
    };
  };
  assert.equal(pod.spec.hostNetwork, true);
  assert.equal(pod.spec.priorityClassName, 'system-node-critical');
  assert.equal(pod.spec.containers[0]!.image, 'reg.local:443/library/haproxy:2.6.12', 'from the cluster registry');
  assert.deepEqual(pod.spec.containers[0]!.command, ['haproxy', '-W', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg']);
  assert.deepEqual(pod.spec.containers[0]!.livenessProbe, { httpGet: { host: '127.0.0.1', path: '/healthz', port: 8081 } });
  assert.equal(pod.spec.volumes[0]!.hostPath.path, '/etc/kubekey/haproxy');
  // Another control plane changes the config, hence the pod (the kubelet restarts it).
  const other = inputs(HAPROXY.replace('haproxy: {', 'port: 7443, haproxy: {health_port: 9081, '));
  assert.match(haproxyConfig(other), /bind 127\.0\.0\.1:7443\n/);
  assert.match(haproxyConfig(other), /bind \*:9081\n/);
  const otherPod = YAML.parse(fileOf(haproxyStep.plan(other, 'w1')[1]!).text) as typeof pod;
  assert.notEqual(otherPod.metadata.annotations['cfg-checksum'], pod.metadata.annotations['cfg-checksum']);
  assert.throws(
    () => haproxyStep.plan(inputs(HAPROXY.replace('haproxy: {', 'haproxy: {address: 10.0.0.9, ')), 'w1'),
    (e: unknown) => e instanceof UserError && /haproxy\.address: 10\.0\.0\.9 .*127\.0\.0\.1/.test(e.message),
  );
  assert.throws(
    () => haproxyStep.plan(inputs(HAPROXY.replace('tag: 2.6.12', "tag: ''")), 'w1'),
    (e: unknown) => e instanceof UserError && /haproxy\.image\.tag is empty/.test(e.message),
  );
});

test('a worker behind haproxy joins through the first control plane, then waits for its haproxy and switches to 127.0.0.1', () => {
  const inp = inputs(HAPROXY);
  const names = kubeadmJoinWorkerStep.plan(inp, 'w1').map((t) => t.task);
  assert.deepEqual(names, [
    'endpoint for joining',
    'reach the API server',
    'write kubeadm config',
    'kubeadm join',
    'local haproxy',
    'endpoint in /etc/hosts',
    'worker label',
  ]);
  const tasks = kubeadmJoinWorkerStep.plan(inp, 'w1');
  const scriptOf = (n: string): string => {
    const s = task(tasks, n).spec;
    assert.ok('exec' in s);
    return s.exec.script ?? '';
  };
  assert.match(scriptOf('endpoint for joining'), /\[ -f \/etc\/kubernetes\/kubelet\.conf \] && exit \$UNCHANGED/);
  assert.match(scriptOf('endpoint for joining'), /10\.0\.0\.1 lb\.kubesphere\.local/);
  assert.match(scriptOf('endpoint in /etc/hosts'), /127\.0\.0\.1 lb\.kubesphere\.local/);
  // Without haproxy a worker keeps the os step's block and joins directly.
  assert.deepEqual(
    kubeadmJoinWorkerStep.plan(inputs(''), 'w1').map((t) => t.task),
    ['reach the API server', 'write kubeadm config', 'kubeadm join', 'worker label'],
  );
  // A control plane that is also a worker has its own API server: no haproxy.
  assert.ok(!kubeadmJoinControlPlaneStep.plan(inp, 'cp3').some((t) => t.task === 'local haproxy'));
});

test('haproxy readiness: run for real against a local health endpoint', async () => {
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/healthz' ? 200 : 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const script = haproxyReadyScript(inputs(HAPROXY.replace('haproxy: {', `haproxy: {health_port: ${port}, `)).model);
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      // Not spawnSync: it would block this process's event loop, and with it the server.
      const p = spawn('/bin/bash', ['-c', `set -euo pipefail\nUNCHANGED=${UNCHANGED}\n${script}`]);
      let out = '';
      p.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
      });
      p.on('exit', (code) => resolve({ code, out }));
    });
    assert.equal(r.code, UNCHANGED);
    assert.equal(r.out, `haproxy answers on 127.0.0.1:${port}\n`);
  } finally {
    server.close();
  }
});

const VIP = 'control_plane_endpoint: {type: kube-vip, kube_vip: {address: 10.0.0.100, image: {registry: reg.local, tag: v0.7.2}}}';
const FACTS = { cp1: eth0('10.0.0.1'), cp2: eth0('10.0.0.2'), cp3: eth0('10.0.0.3') };

test("kube-vip (ARP): a static pod on every control plane, on the interface that holds the VIP's network", () => {
  const inp = inputs(VIP, FACTS);
  assert.deepEqual(kubeVipStep.hosts(inp.model), ['cp1', 'cp2', 'cp3']);
  const t = kubeVipStep.plan(inp, 'cp2');
  assert.deepEqual(
    t.map((x) => x.task),
    ['write kube-vip manifest'],
  );
  const f = fileOf(t[0]!);
  assert.deepEqual([f.path, f.mode], [KUBE_VIP_MANIFEST, 0o600]);
  assert.match(t[0]!.description, /VIP 10\.0\.0\.100 \(ARP\) on eth0/);
  const pod = YAML.parse(f.text) as {
    spec: {
      hostNetwork: boolean;
      hostAliases: unknown[];
      containers: { image: string; args: string[]; env: { name: string; value: string }[]; securityContext: unknown }[];
      volumes: { hostPath: { path: string; type: string } }[];
    };
  };
  const c = pod.spec.containers[0]!;
  assert.equal(c.image, 'reg.local/plndr/kube-vip:v0.7.2');
  assert.deepEqual(c.args, ['manager']);
  const env = Object.fromEntries(c.env.map((e) => [e.name, e.value]));
  assert.deepEqual(env, {
    vip_arp: 'true',
    vip_interface: 'eth0',
    port: '6443',
    vip_cidr: '32',
    cp_enable: 'true',
    cp_namespace: 'kube-system',
    vip_ddns: 'false',
    svc_enable: 'true',
    lb_enable: 'true',
    lb_port: '6443',
    vip_leaderelection: 'true',
    vip_leaseduration: '5',
    vip_renewdeadline: '3',
    vip_retryperiod: '1',
    address: '10.0.0.100',
  });
  assert.deepEqual(c.securityContext, { capabilities: { add: ['NET_ADMIN', 'NET_RAW', 'SYS_TIME'] } });
  assert.deepEqual(pod.spec.hostAliases, [{ ip: '127.0.0.1', hostnames: ['kubernetes'] }]);
  assert.deepEqual(pod.spec.volumes[0]!.hostPath, { path: '/etc/kubernetes/admin.conf', type: 'File' });
});

test('kube-vip (BGP): each control plane peers with the others; operator env laid over the defaults', () => {
  const inp = inputs(VIP.replace('address: 10.0.0.100,', 'address: 10.0.0.100, mode: BGP, env: {vip_cidr: 24, bgp_as: 65001},'), FACTS);
  const env = kubeVipEnv(inp, 'cp1');
  const get = (k: string): string | undefined => env.find(([n]) => n === k)?.[1];
  assert.equal(get('bgp_enable'), 'true');
  assert.equal(get('bgp_routerid'), '10.0.0.1');
  assert.equal(get('bgp_peers'), '10.0.0.2:65000::false,10.0.0.3:65000::false');
  assert.equal(get('bgp_as'), '65001', "the operator's value wins");
  assert.equal(get('vip_cidr'), '24');
  assert.equal(get('vip_arp'), undefined);
  assert.equal(env.filter(([n]) => n === 'bgp_as').length, 1, 'each name once');
});

test('kube-vip: clear errors for a VIP off every network, unknown facts, a bad mode or an empty address', () => {
  const off = inputs(VIP, { ...FACTS, cp3: eth0('192.168.1.3') });
  assert.throws(
    () => kubeVipStep.plan(off, 'cp3'),
    (e: unknown) =>
      e instanceof UserError && /cp3: no interface is on the network of the kube-vip VIP 10\.0\.0\.100 \(.*eth0 192\.168\.1\.3\/24\)/.test(e.message),
  );
  assert.throws(
    () => kubeVipStep.plan(inputs(VIP, {}), 'cp1'),
    (e: unknown) => e instanceof UserError && /cp1: its network facts are unknown/.test(e.message),
  );
  // The config loader refuses a bad mode already, with file:line:key.
  assert.throws(
    () => inputs(VIP.replace('address: 10.0.0.100,', 'address: 10.0.0.100, mode: L2,'), FACTS),
    (e: unknown) =>
      e instanceof UserError &&
      /config\.yaml:\d+:\d+ spec\.kubernetes\.control_plane_endpoint\.kube_vip\.mode: expected one of ARP, BGP; found "L2"/.test(e.message),
  );
  assert.throws(
    () => kubeVipStep.plan(inputs(VIP.replace('address: 10.0.0.100', "address: ''"), FACTS), 'cp1'),
    (e: unknown) => e instanceof UserError && /kube_vip\.address is empty/.test(e.message),
  );
});
