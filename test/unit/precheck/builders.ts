// Test builders: ClusterModel values without the loader, healthy fact sets to break one field at a
// time, and a one-rule evaluation helper that goes through the real engine.
import type { FactSet } from '../../../shared/facts/types';
import type { ClusterModel, InventoryHost, Value, Vars } from '../../../coordinator/model/cluster';
import { evaluate } from '../../../coordinator/precheck/engine';
import type { Report, Result } from '../../../coordinator/precheck/report';
import type { Rule, RuleContext } from '../../../coordinator/precheck/rule';

export interface HostSpec {
  name: string;
  groups?: string[];
  vars?: Vars;
}

export interface ClusterSpec {
  hosts: HostSpec[];
  /** Cluster-wide vars (Config spec); also merged into every host's vars, under host vars. */
  vars?: Vars;
  /** Extra or overriding group → members (e.g. a group naming an undefined host). */
  groups?: Record<string, string[]>;
}

function isMap(v: Value | undefined): v is { [key: string]: Value } {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

export function deepMerge(base: Vars, over: Vars): Vars {
  const out: Vars = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? deepMerge(b, v) : v;
  }
  return out;
}

const K8S_MEMBERS = ['kube_control_plane', 'kube_worker'];

/** A model like the loader's: `all`, k8s_cluster = cp ∪ workers, groups in inventory order. */
export function cluster(spec: ClusterSpec): ClusterModel {
  const vars = spec.vars ?? {};
  const groups: Record<string, string[]> = { all: [] };
  const hosts: InventoryHost[] = spec.hosts.map((h) => {
    const own = [...(h.groups ?? [])];
    if (own.some((g) => K8S_MEMBERS.includes(g)) && !own.includes('k8s_cluster')) own.push('k8s_cluster');
    return { name: h.name, groups: ['all', ...own], vars: deepMerge(h.vars ?? {}, vars) };
  });
  for (const h of hosts) for (const g of h.groups) (groups[g] ??= []).push(h.name);
  for (const g of ['kube_control_plane', 'kube_worker', 'k8s_cluster', 'etcd']) groups[g] ??= [];
  Object.assign(groups, spec.groups ?? {});
  return { hosts, groups, vars, sources: { inventory: 'inventory.yaml', config: 'config.yaml' }, warnings: [] };
}

/** A three-node cluster: node1 control plane + etcd, node2 and node3 workers. */
export function threeNodes(vars: Vars = {}, hostVars: Record<string, Vars> = {}): ClusterModel {
  return cluster({
    vars: deepMerge({ kubernetes: { kube_version: 'v1.33.1' }, etcd: { etcd_version: 'v3.5.24' } }, vars),
    hosts: [
      { name: 'node1', groups: ['kube_control_plane', 'etcd'], vars: { internal_ipv4: '10.0.0.11', ...hostVars.node1 } },
      { name: 'node2', groups: ['kube_worker'], vars: { internal_ipv4: '10.0.0.12', ...hostVars.node2 } },
      { name: 'node3', groups: ['kube_worker'], vars: { internal_ipv4: '10.0.0.13', ...hostVars.node3 } },
    ],
  });
}

export type FactPatch = Partial<FactSet>;

/** A fact set every rule passes on, for a node called `name` at `ip` (IPv4 /24 on eth0). */
export function healthyFacts(name: string, ip: string, patch: FactPatch = {}): FactSet {
  const n = Number(ip.split('.').pop() ?? '1');
  const hex = n.toString(16).padStart(2, '0');
  return {
    schemaVersion: 1,
    collectedAtMs: 1764057600000,
    hostname: name,
    machineId: `0f1e2d3c4b5a69788796a5b4c3d2e1${hex}`,
    productUuid: `4C4C4544-0000-0000-0000-0000000000${hex.toUpperCase()}`,
    os: { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS', kernelVersion: '5.15.0-91-generic', architecture: 'amd64', machine: 'x86_64' },
    cpu: { count: 4, model: 'QEMU Virtual CPU' },
    memory: { totalBytes: 8 * 2 ** 30, availableBytes: 6 * 2 ** 30, swapTotalBytes: 0, swapFreeBytes: 0 },
    interfaces: [
      { name: 'lo', mac: '00:00:00:00:00:00', mtu: 65536, up: true, addresses: [{ family: 'IPv4', address: '127.0.0.1', prefixLength: 8 }] },
      { name: 'eth0', mac: `52:54:00:12:34:${hex}`, mtu: 1500, up: true, addresses: [{ family: 'IPv4', address: ip, prefixLength: 24 }] },
    ],
    defaultRoute: { interface: 'eth0', gateway: '10.0.0.1' },
    listeningPorts: [{ protocol: 'tcp', address: '0.0.0.0', port: 22, process: 'sshd' }],
    sysctl: {
      'net.ipv4.ip_forward': '1',
      'net.ipv6.conf.all.forwarding': '1',
      'net.bridge.bridge-nf-call-iptables': '1',
      'net.bridge.bridge-nf-call-ip6tables': '1',
    },
    kernelModules: ['overlay', 'br_netfilter'],
    cgroup: { version: 2, controllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'] },
    binaries: {
      conntrack: '/usr/sbin/conntrack',
      socat: '/usr/bin/socat',
      ip: '/usr/sbin/ip',
      iptables: '/usr/sbin/iptables',
      mount: '/usr/bin/mount',
      nsenter: '/usr/bin/nsenter',
      ebtables: '/usr/sbin/ebtables',
      ethtool: '/usr/sbin/ethtool',
      tc: '/usr/sbin/tc',
      touch: '/usr/bin/touch',
      fio: '/usr/bin/fio',
      systemctl: '/usr/bin/systemctl',
    },
    services: {
      kubelet: { loadState: 'not-found', activeState: 'inactive', version: null },
      etcd: { loadState: 'not-found', activeState: 'inactive', version: null },
      containerd: { loadState: 'not-found', activeState: 'inactive', version: null },
      docker: { loadState: 'not-found', activeState: 'inactive', version: null },
    },
    paths: {
      '/var/lib/etcd': { exists: false, empty: true },
      '/etc/kubernetes/manifests': { exists: false, empty: true },
      '/var/lib/kubelet': { exists: false, empty: true },
      '/etc/kubernetes/kubelet.conf': { exists: false, empty: true },
    },
    disks: [{ mount: '/', totalBytes: 50 * 2 ** 30, freeBytes: 30 * 2 ** 30 }],
    blockDevices: [{ name: 'vda', sizeBytes: 50 * 2 ** 30, type: 'disk', mountpoint: null, fstype: null }],
    time: { epochMs: 1764057600123, ntpSynchronized: true },
    fio: { directory: '/var/lib/etcd', syncLatencyNs: { p50: 812000, p90: 1900000, p99: 4100000 }, ranAtMs: 1764057590000 },
    probeErrors: {},
    ...patch,
  };
}

/** Healthy facts for every host of `model`, at its internal_ipv4, with per-host patches. */
export function factsFor(model: ClusterModel, patches: Record<string, FactPatch | null> = {}): Map<string, FactSet | null> {
  const out = new Map<string, FactSet | null>();
  for (const h of model.hosts) {
    const patch = patches[h.name];
    if (patch === null) {
      out.set(h.name, null);
      continue;
    }
    const ip = typeof h.vars.internal_ipv4 === 'string' ? h.vars.internal_ipv4 : '10.0.0.99';
    out.set(h.name, healthyFacts(h.name, ip, patch));
  }
  return out;
}

export function context(model: ClusterModel, facts: Map<string, FactSet | null> = factsFor(model), extra: Partial<RuleContext> = {}): RuleContext {
  return { model, facts, mode: 'facts', ...extra };
}

/** Evaluates one rule through the engine. */
export function run(rule: Rule, ctx: RuleContext): Report {
  return evaluate(ctx, {}, [rule]);
}

/** The single result of a rule for `host` (null: the cluster result). */
export function resultOf(rule: Rule, ctx: RuleContext, host: string | null = null): Result {
  const r = run(rule, ctx).results.find((x) => x.host === host);
  if (!r) throw new Error(`no result for ${rule.id} on ${host ?? 'cluster'}`);
  return r;
}
