import { collect, duplicates, fact } from '../../facts-access';
import { listNames } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';
import { bool } from '../../vars';

export const clusterUniqueHostname = clusterRule({
  id: 'cluster.unique_hostname',
  severity: 'error',
  description: 'node names are unique in lower case (live hostnames; inventory names where native.set_hostname renames the node)',
  appliesTo: () => true,
  check: (ctx) => {
    const byName = new Map(ctx.model.hosts.map((h) => [h.name, h]));
    // Kubernetes lower-cases node names. With native.set_hostname the node will carry its
    // inventory name, so that is the name that must be unique, not the one it has today.
    const renamed: string[] = [];
    const live: string[] = [];
    for (const h of ctx.model.hosts) (bool(h.vars, 'native.set_hostname') ? renamed : live).push(h.name);
    const seen = collect(ctx, live, (_fs, host) => fact(ctx, host, 'hostname').toLowerCase());
    for (const host of renamed) seen.values.push({ host, value: byName.get(host)!.name.toLowerCase() });
    const problems = [...duplicates(seen.values, (v) => v)].map(
      ([name, hosts]) => `${listNames(hosts)} would all be node "${name}": give each node its own hostname (or set native.set_hostname: true)`,
    );
    return verdict(problems, seen.unknown, `${seen.values.length} distinct node names`);
  },
});
