import { collect, duplicates } from '../../facts-access';
import { K8S, listNames, members } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';

export const clusterUniqueProductUuid = clusterRule({
  id: 'cluster.unique_product_uuid',
  severity: 'error',
  description: 'known DMI product_uuid values differ on every k8s host',
  appliesTo: ({ model }) => (members(model, K8S).length > 0 ? true : 'k8s_cluster is empty'),
  check: (ctx) => {
    // An unreadable product_uuid (null) is left out: the spec checks known values only.
    const unreadable: string[] = [];
    const seen = collect(ctx, members(ctx.model, K8S), (fs, host) => {
      if (fs.productUuid === null) unreadable.push(host);
      return fs.productUuid?.toLowerCase() ?? undefined;
    });
    const problems = [...duplicates(seen.values, (v) => v)].map(
      ([uuid, hosts]) => `${listNames(hosts)} share product_uuid ${uuid}: give each VM its own UUID (clone with a new SMBIOS UUID)`,
    );
    const note = unreadable.length > 0 ? `; not readable on ${listNames(unreadable)}` : '';
    return verdict(problems, seen.unknown, `${seen.values.length} distinct product UUIDs${note}`);
  },
});
