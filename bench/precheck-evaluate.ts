// Quick timing of a full evaluation over 5,000 generated nodes (not a test: timings vary by
// machine, so it lives with the benchmarks). Run: node --import tsx bench/precheck-evaluate.ts
import { performance } from 'node:perf_hooks';
import { evaluate } from '../coordinator/precheck/engine';
import type { ReachabilityProbe } from '../coordinator/precheck/rule';
import type { FactSet } from '../shared/facts/types';
import type { ClusterModel } from '../coordinator/model/cluster';
import { cluster, context, factsFor } from '../test/unit/precheck/builders';

/** Healthy facts with ids and MACs unique across thousands of nodes. */
function uniqueFacts(model: ClusterModel): Map<string, FactSet | null> {
  const facts = factsFor(model);
  let i = 0;
  for (const fs of facts.values()) {
    if (!fs) continue;
    const hex = (++i).toString(16).padStart(6, '0');
    fs.machineId = `${fs.machineId!.slice(0, 26)}${hex}`;
    fs.productUuid = `4C4C4544-0000-0000-0000-000000${hex}`;
    for (const iface of fs.interfaces!) if (iface.name === 'eth0') iface.mac = `52:54:${hex.slice(0, 2)}:${hex.slice(2, 4)}:${hex.slice(4)}:01`;
  }
  return facts;
}

function bigCluster(n: number) {
  return cluster({
    vars: { kubernetes: { kube_version: 'v1.33.1' }, etcd: { etcd_version: 'v3.5.24' }, cni: { pod_cidr: '10.128.0.0/9', service_cidr: '10.96.0.0/16' } },
    hosts: Array.from({ length: n }, (_, i) => ({
      name: `node${i + 1}`,
      groups: i < 3 ? ['kube_control_plane', 'etcd'] : ['kube_worker'],
      vars: { internal_ipv4: `10.0.${Math.floor((i + 1) / 250)}.${((i + 1) % 250) + 1}` },
    })),
  });
}

function time(label: string, runs: number, fn: () => unknown): void {
  fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) fn();
  console.log(`${label}: ${((performance.now() - start) / runs).toFixed(1)} ms per evaluation (mean of ${runs})`);
}

const model = bigCluster(5000);
const facts = uniqueFacts(model);
const ctx = context(model, facts);
const report = evaluate(ctx);
console.log(`5000 nodes, ${report.results.length} results: ${JSON.stringify(report.summary)}`);
time('all rules, 5000 nodes, facts mode', 10, () => evaluate(ctx));

// Reachability's expected set is quadratic; measure it live with every probe of a 500-node cluster.
const small = bigCluster(500);
const names = small.hosts.map((h) => h.name);
const cp = names.slice(0, 3);
const probes: ReachabilityProbe[] = [];
for (const s of names) {
  for (const t of cp) if (s !== t) probes.push({ source: s, target: t, port: 6443, ok: true });
  for (const t of names) if (s !== t) probes.push({ source: s, target: t, port: 10250, ok: true });
}
for (const s of cp)
  for (const t of cp) if (s !== t) probes.push({ source: s, target: t, port: 2379, ok: true }, { source: s, target: t, port: 2380, ok: true });
const live = context(small, uniqueFacts(small), { mode: 'live', probes });
console.log(`500 nodes live, ${probes.length} probes: ${JSON.stringify(evaluate(live).summary)}`);
time('all rules, 500 nodes, live with every probe', 5, () => evaluate(live));
