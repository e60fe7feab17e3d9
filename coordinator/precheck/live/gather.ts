// Live precheck input: fresh facts from every matched agent (fio on etcd hosts), the reachability
// probes, and the coordinator-side probes (artifact file, registry). Facts that could not be
// refreshed are never used silently: the host gets no facts and the reason.
import type { ClusterModel } from '../../model/cluster';
import type { FactSet, FioFacts } from '../../../shared/facts/types';
import type { NodeRegistry } from '../../registry/nodes';
import type { ArtifactInfo, ReachabilityProbe, RegistryProbe, RuleContext } from '../rule';
import { ETCD, members } from '../hosts';
import { optString, lookup } from '../vars';
import { matchHosts } from './match';
import { reachabilityPairs, type ProbePair } from '../reachability-plan';
import { inspectArtifact } from '../inputs/artifact';
import { probeRegistry } from '../inputs/registry';

/** Runs the reachability pairs between agents (targets listen, sources connect). */
export type ReachabilityRunner = (pairs: ProbePair[], hostToNode: ReadonlyMap<string, string>, model: ClusterModel) => Promise<ReachabilityProbe[]>;

/** Asks connected agents for fresh facts (the server's AgentSessions); resolves when each answered or timed out. */
export interface FactsRefresher {
  refresh(nodes: string[], fioDirectory: string, timeoutMs: number): Promise<{ refreshed: string[]; failed: Record<string, string> }>;
}

export interface LiveDeps {
  registry: NodeRegistry;
  sessions: FactsRefresher;
  reachability?: ReachabilityRunner;
}

export interface GatherOptions {
  workDir: string;
  /** Rule ids that are skipped: their inputs are not gathered (no fio when etcd.disk_io is skipped). */
  skipped: ReadonlySet<string>;
  progress?: (line: string) => void;
  refreshTimeoutMs?: number;
  fioTimeoutMs?: number;
  /** fio results kept from an earlier round of --watch: fio is re-run only where it had none. */
  keepFio?: Map<string, FioFacts>;
}

export interface LiveContext extends RuleContext {
  hostToNode: Map<string, string>;
}

export async function gatherLive(deps: LiveDeps, model: ClusterModel, o: GatherOptions): Promise<LiveContext> {
  const say = o.progress ?? (() => {});
  const agents = deps.registry.list().map((n) => ({ name: n.name, facts: deps.registry.getFacts(n.name)?.facts ?? null }));
  const { matches, unmatched } = matchHosts(model, agents);
  const etcdHosts = new Set(members(model, ETCD));
  const wantFio = !o.skipped.has('etcd.disk_io');
  const fioDir = optString(model.vars, 'etcd.env.data_dir') ?? '/var/lib/etcd';

  const plain: string[] = [];
  const withFio: string[] = [];
  for (const [host, node] of matches) {
    if (wantFio && etcdHosts.has(host) && !o.keepFio?.has(host)) withFio.push(node);
    else plain.push(node);
  }
  say(`refreshing facts from ${matches.size} agent(s)${withFio.length ? `, fio on ${withFio.length} etcd host(s)` : ''}`);
  const [a, b] = await Promise.all([
    deps.sessions.refresh(plain, '', o.refreshTimeoutMs ?? 20_000),
    deps.sessions.refresh(withFio, fioDir, o.fioTimeoutMs ?? 180_000),
  ]);
  const failed = { ...a.failed, ...b.failed };

  const facts = new Map<string, FactSet | null>();
  const factErrors = new Map<string, string>();
  for (const host of model.hosts) {
    const node = matches.get(host.name);
    if (!node) {
      facts.set(host.name, null);
      factErrors.set(host.name, unmatched.get(host.name) ?? 'no agent');
      continue;
    }
    const why = failed[node];
    const stored = deps.registry.getFacts(node);
    if (why || !stored) {
      facts.set(host.name, null);
      factErrors.set(host.name, `agent ${node}: ${why ?? 'no facts'}`);
      continue;
    }
    const f: FactSet = { ...stored.facts, receivedAtMs: stored.receivedAtMs, clockOffsetMs: stored.clockOffsetMs };
    const kept = o.keepFio?.get(host.name);
    if (kept && f.fio === null && !f.probeErrors.fio) f.fio = kept;
    if (f.fio && o.keepFio) o.keepFio.set(host.name, f.fio);
    facts.set(host.name, f);
  }

  let probes: ReachabilityProbe[] | undefined;
  if (deps.reachability && !o.skipped.has('cluster.reachability')) {
    const reachable = new Map([...matches].filter(([h]) => facts.get(h)));
    const pairs = reachabilityPairs(model).filter((p) => reachable.has(p.source) && reachable.has(p.target));
    if (pairs.length) say(`probing ${pairs.length} connection(s) between the nodes`);
    probes = await deps.reachability(pairs, reachable, model);
  }

  let artifact: ArtifactInfo | undefined;
  const artifactFile = optString(model.vars, 'download.artifact_file');
  if (artifactFile && !o.skipped.has('artifact.file')) artifact = await inspectArtifact(artifactFile, o.workDir);

  let registry: RegistryProbe | undefined;
  const registryHost = optString(model.vars, 'image_registry.auth.registry');
  if (registryHost && !o.skipped.has('image_registry.reachable')) {
    registry = await probeRegistry({
      registry: registryHost,
      plainHttp: lookup(model.vars, 'image_registry.auth.plain_http') === true,
      caFile: optString(model.vars, 'image_registry.auth.ca_file'),
    });
  }
  return { model, facts, factErrors, mode: 'live', probes, artifact, registry, hostToNode: matches };
}
