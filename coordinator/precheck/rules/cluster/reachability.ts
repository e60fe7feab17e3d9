import type { ReachabilityProbe } from '../../rule';
import { listReasons } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';
import { reachabilityRequirements } from '../../reachability-plan';

const MAX_EXAMPLES = 8;

export const clusterReachability = clusterRule({
  id: 'cluster.reachability',
  severity: 'error',
  description: "live: k8s hosts reach the control plane API and each other's kubelet; etcd hosts reach each other; the control plane reaches etcd",
  appliesTo: ({ mode }) => (mode === 'live' ? true : 'needs live agents (not evaluated against a fact file)'),
  check: (ctx) => {
    const reqs = reachabilityRequirements(ctx.model);
    const probes: readonly ReachabilityProbe[] = ctx.probes ?? [];
    // Count distinct successful-or-failed probes per requirement and source; the expected set is
    // quadratic in the node count, so it is only enumerated for sources that come up short.
    const seen = new Set<string>();
    const counts = reqs.map(() => new Map<string, number>());
    const failures: string[] = [];
    for (const p of probes) {
      const key = `${p.source}\u0000${p.target}\u0000${p.port}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!p.ok) failures.push(`${p.source} → ${p.target}:${p.port}${p.error ? ` (${p.error})` : ''}`);
      if (p.source === p.target) continue;
      reqs.forEach((r, i) => {
        if (r.port === p.port && r.sources.has(p.source) && r.targets.has(p.target)) {
          const c = counts[i]!;
          c.set(p.source, (c.get(p.source) ?? 0) + 1);
        }
      });
    }
    const missing: string[] = [];
    let missingCount = 0;
    reqs.forEach((r, i) => {
      for (const source of r.sources) {
        const expected = r.targets.size - (r.targets.has(source) ? 1 : 0);
        const got = counts[i]!.get(source) ?? 0;
        if (got >= expected) continue;
        missingCount += expected - got;
        for (const target of r.targetList) {
          if (missing.length >= MAX_EXAMPLES) break;
          if (target !== source && !seen.has(`${source}\u0000${target}\u0000${r.port}`)) missing.push(`${source} → ${target}:${r.port}`);
        }
      }
    });
    const problems =
      failures.length > 0
        ? [
            `${failures.length} connection${failures.length === 1 ? '' : 's'} failed: ${listReasons(failures, MAX_EXAMPLES)}: open these ports between the nodes (firewall, security groups)`,
          ]
        : [];
    const unknown =
      missingCount > 0
        ? [`${missingCount} probe${missingCount === 1 ? ' was' : 's were'} not run: ${missing.join(', ')}${missingCount > missing.length ? ', …' : ''}`]
        : [];
    return verdict(problems, unknown, `${seen.size} connections between the nodes succeeded`);
  },
});
