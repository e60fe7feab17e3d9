// Which connections cluster.reachability expects: shared by the rule (what to judge) and the live
// precheck (what to probe), so the two can never disagree.
import type { ClusterModel } from '../model/cluster';
import { CP, ETCD, K8S, members } from './hosts';
import { PORTS } from './defaults';
import { num } from './vars';

export interface Requirement {
  what: string;
  sources: Set<string>;
  targets: Set<string>;
  targetList: string[];
  port: number;
}

export function reachabilityRequirements(model: ClusterModel): Requirement[] {
  const req = (what: string, from: string, to: string, port: number): Requirement => {
    const targetList = members(model, to);
    return { what, sources: new Set(members(model, from)), targets: new Set(targetList), targetList, port };
  };
  const etcdPort = num(model.vars, 'etcd.port');
  return [
    req('k8s → control plane API', K8S, CP, num(model.vars, 'kubernetes.apiserver.port')),
    req('k8s → kubelet', K8S, K8S, PORTS.kubelet),
    req('etcd → etcd client', ETCD, ETCD, etcdPort),
    req('etcd → etcd peer', ETCD, ETCD, num(model.vars, 'etcd.peer_port')),
    req('control plane → etcd client', CP, ETCD, etcdPort),
  ];
}

export interface ProbePair {
  source: string;
  target: string;
  port: number;
}

/** Every distinct source → target:port connection to try (no self-connections). */
export function reachabilityPairs(model: ClusterModel): ProbePair[] {
  const seen = new Set<string>();
  const out: ProbePair[] = [];
  for (const r of reachabilityRequirements(model)) {
    for (const source of r.sources) {
      for (const target of r.targetList) {
        const key = `${source}\u0000${target}\u0000${r.port}`;
        if (source === target || seen.has(key)) continue;
        seen.add(key);
        out.push({ source, target, port: r.port });
      }
    }
  }
  return out;
}
