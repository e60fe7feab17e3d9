import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeCpu } from '../../../../coordinator/precheck/rules/node/cpu';
import { nodeSwap } from '../../../../coordinator/precheck/rules/node/swap';
import { nodePorts } from '../../../../coordinator/precheck/rules/node/ports';
import { nodeIpForward } from '../../../../coordinator/precheck/rules/node/ip-forward';
import { nodeBrNetfilter } from '../../../../coordinator/precheck/rules/node/br-netfilter';
import { nodeBinaries } from '../../../../coordinator/precheck/rules/node/binaries';
import { nodeCgroups } from '../../../../coordinator/precheck/rules/node/cgroups';
import { nodeDiskSpace } from '../../../../coordinator/precheck/rules/node/disk-space';
import { nodeTimeSync } from '../../../../coordinator/precheck/rules/node/time-sync';
import type { ListeningPort } from '../../../../shared/facts/types';
import { cluster, context, factsFor, healthyFacts, resultOf, threeNodes } from '../builders';

const base = healthyFacts('x', '10.0.0.1');

test('node.cpu: control plane needs 2 CPUs', () => {
  const model = threeNodes();
  const ctx = context(model, factsFor(model, { node1: { cpu: { count: 1, model: 'x' } } }));
  assert.match(resultOf(nodeCpu, ctx, 'node1').message, /1 CPU, a control-plane host needs at least 2/);
  assert.equal(resultOf(nodeCpu, ctx, 'node2').status, 'skip');
  assert.equal(resultOf(nodeCpu, context(model), 'node1').status, 'pass');
});

test('node.swap: any swap fails on k8s hosts', () => {
  const model = threeNodes();
  const ctx = context(model, factsFor(model, { node2: { memory: { ...base.memory!, swapTotalBytes: 2 * 2 ** 30 } } }));
  assert.match(resultOf(nodeSwap, ctx, 'node2').message, /swap is on \(2048 MiB\): turn it off with `swapoff -a`/);
  assert.equal(resultOf(nodeSwap, ctx, 'node3').status, 'pass');
});

test('node.ports: by group; a port held by its own component is fine', () => {
  const model = threeNodes();
  const ports = (...extra: ListeningPort[]) => ({ listeningPorts: [...base.listeningPorts!, ...extra] });
  const tcp = (port: number, process: string | null): ListeningPort => ({ protocol: 'tcp', address: '0.0.0.0', port, process });
  const ctx = context(
    model,
    factsFor(model, {
      node1: ports(tcp(6443, 'haproxy'), tcp(2379, 'etcd'), tcp(2380, 'etcd'), { protocol: 'udp', address: '0.0.0.0', port: 10259, process: 'x' }),
      node2: ports(tcp(10250, 'kubelet')),
      node3: ports(tcp(10250, null), tcp(6443, 'nginx')),
    }),
  );
  const n1 = resultOf(nodePorts, ctx, 'node1');
  assert.equal(n1.status, 'fail');
  assert.equal(n1.message, 'port 6443 (kube-apiserver) is in use by haproxy on 0.0.0.0: stop it or change kubernetes.apiserver.port');
  assert.equal(resultOf(nodePorts, ctx, 'node2').status, 'pass');
  const n3 = resultOf(nodePorts, ctx, 'node3');
  assert.match(n3.message, /port 10250 \(kubelet\) is in use by an unknown process/);
  assert.doesNotMatch(n3.message, /6443/, 'workers do not need the API port');
  const custom = threeNodes({ kubernetes: { apiserver: { port: 8443 } } });
  assert.equal(resultOf(nodePorts, context(custom, factsFor(custom, { node1: ports(tcp(6443, 'haproxy')) })), 'node1').status, 'pass');
  const nfs = cluster({ hosts: [{ name: 'n', groups: ['nfs'] }] });
  assert.equal(resultOf(nodePorts, context(nfs), 'n').status, 'skip');
  assert.match(
    resultOf(nodePorts, context(model, factsFor(model, { node2: { listeningPorts: null, probeErrors: { listeningPorts: 'ss failed' } } })), 'node2').message,
    /unknown.*ss failed/,
  );
});

test('node.ip_forward: warning; IPv6 forwarding only when IPv6 is in use', () => {
  const model = threeNodes();
  const sysctl = (v4: string | null, v6: string | null) => ({ sysctl: { ...base.sysctl!, 'net.ipv4.ip_forward': v4, 'net.ipv6.conf.all.forwarding': v6 } });
  const ctx = context(model, factsFor(model, { node2: sysctl('0', '0'), node3: sysctl('1', '0') }));
  const n2 = resultOf(nodeIpForward, ctx, 'node2');
  assert.equal(n2.status, 'warn');
  assert.equal(n2.severity, 'warning');
  assert.match(n2.message, /net\.ipv4\.ip_forward = 0/);
  assert.equal(resultOf(nodeIpForward, ctx, 'node3').status, 'pass');
  const dual = threeNodes({ cni: { pod_cidr: '10.233.64.0/18,fd85:ee78::/108' } });
  assert.match(resultOf(nodeIpForward, context(dual, factsFor(dual, { node3: sysctl('1', '0') })), 'node3').message, /net\.ipv6\.conf\.all\.forwarding = 0/);
  assert.match(resultOf(nodeIpForward, context(model, factsFor(model, { node2: sysctl(null, '1') })), 'node2').message, /ip_forward = absent/);
  const probeErr = context(model, factsFor(model, { node2: { ...sysctl(null, '1'), probeErrors: { 'sysctl.net.ipv4.ip_forward': 'EACCES' } } }));
  assert.equal(resultOf(nodeIpForward, probeErr, 'node2').status, 'fail');
});

test('node.br_netfilter: loaded or built in; warning otherwise', () => {
  const model = threeNodes();
  const ctx = context(
    model,
    factsFor(model, {
      node2: { kernelModules: ['overlay'], sysctl: { ...base.sysctl!, 'net.bridge.bridge-nf-call-iptables': null } },
      node3: { kernelModules: ['overlay'] },
    }),
  );
  assert.equal(resultOf(nodeBrNetfilter, ctx, 'node2').status, 'warn');
  assert.match(resultOf(nodeBrNetfilter, ctx, 'node3').message, /built into the kernel/);
});

test('node.binaries: required errors, optional warns, conntrack only below 1.32, probe errors are unknown', () => {
  const without = (...names: string[]) => ({ binaries: { ...base.binaries!, ...Object.fromEntries(names.map((n) => [n, null])) } });
  const v131 = threeNodes({ kubernetes: { kube_version: 'v1.31.4' } });
  const v132 = threeNodes({ kubernetes: { kube_version: 'v1.32.0' } });
  const r131 = resultOf(nodeBinaries, context(v131, factsFor(v131, { node2: without('conntrack') })), 'node2');
  assert.equal(r131.status, 'fail');
  assert.match(r131.message, /required tools missing: conntrack/);
  assert.equal(resultOf(nodeBinaries, context(v132, factsFor(v132, { node2: without('conntrack') })), 'node2').status, 'pass');
  const opt = resultOf(nodeBinaries, context(v132, factsFor(v132, { node2: without('socat', 'ethtool') })), 'node2');
  assert.equal(opt.status, 'warn');
  assert.equal(opt.severity, 'warning');
  assert.match(opt.message, /optional tools missing: ethtool, socat/);
  const both = resultOf(nodeBinaries, context(v132, factsFor(v132, { node2: without('nsenter', 'socat') })), 'node2');
  assert.equal(both.status, 'fail');
  assert.match(both.message, /nsenter.*also missing \(optional\): socat/);
  const err = resultOf(
    nodeBinaries,
    context(v132, factsFor(v132, { node2: { ...without('ip'), probeErrors: { 'binaries.ip': 'stat: permission denied' } } })),
    'node2',
  );
  assert.match(err.message, /^unknown: fact "binaries\.ip" is unknown on node2: stat: permission denied/);
});

test('node.cgroups: v1 and v2 controller sets', () => {
  const model = threeNodes();
  const ctx = context(
    model,
    factsFor(model, {
      node1: { cgroup: { version: 1, controllers: ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'] } },
      node2: { cgroup: { version: 1, controllers: ['cpu', 'cpuacct', 'cpuset', 'devices', 'memory'] } },
      node3: { cgroup: { version: 2, controllers: ['cpu', 'memory', 'pids'] } },
    }),
  );
  assert.equal(resultOf(nodeCgroups, ctx, 'node1').status, 'pass');
  assert.match(resultOf(nodeCgroups, ctx, 'node2').message, /v1 controllers missing: freezer, pids/);
  assert.match(resultOf(nodeCgroups, ctx, 'node3').message, /v2 controllers missing: cpuset/);
});

test('node.disk_space: the mount holding /var/lib, warning below the minimum', () => {
  const model = threeNodes();
  const G = 2 ** 30;
  const ctx = context(
    model,
    factsFor(model, {
      node1: {
        disks: [
          { mount: '/', totalBytes: 50 * G, freeBytes: 5 * G },
          { mount: '/var', totalBytes: 100 * G, freeBytes: 60 * G },
        ],
      },
      node2: {
        disks: [
          { mount: '/', totalBytes: 50 * G, freeBytes: 5 * G },
          { mount: '/var/libx', totalBytes: 100 * G, freeBytes: 60 * G },
        ],
      },
      node3: { disks: [{ mount: '/boot', totalBytes: G, freeBytes: G }] },
    }),
  );
  assert.match(resultOf(nodeDiskSpace, ctx, 'node1').message, /60 GiB free on \/var/);
  const n2 = resultOf(nodeDiskSpace, ctx, 'node2');
  assert.equal(n2.status, 'warn');
  assert.match(n2.message, /5 GiB free on \/ \(holds \/var\/lib\), less than 10 GiB/);
  assert.match(resultOf(nodeDiskSpace, ctx, 'node3').message, /^unknown: free space of \/var\/lib/);
});

test('node.time_sync: warning when not synchronised, unknown when not known', () => {
  const model = threeNodes();
  const ctx = context(
    model,
    factsFor(model, {
      node2: { time: { epochMs: 1, ntpSynchronized: false } },
      node3: { time: { epochMs: 1, ntpSynchronized: null }, probeErrors: { 'time.ntpSynchronized': 'timedatectl not found' } },
    }),
  );
  assert.equal(resultOf(nodeTimeSync, ctx, 'node1').status, 'pass');
  assert.equal(resultOf(nodeTimeSync, ctx, 'node2').status, 'warn');
  const n3 = resultOf(nodeTimeSync, ctx, 'node3');
  assert.equal(n3.status, 'fail');
  assert.match(n3.message, /timedatectl not found/);
});
