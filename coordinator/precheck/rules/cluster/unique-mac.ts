import { duplicates } from '../../facts-access';
import { K8S, listNames, members } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';
import { internalInterfaces } from './internal-interfaces';

export const clusterUniqueMac = clusterRule({
  id: 'cluster.unique_mac',
  severity: 'error',
  description: 'the MACs of the interfaces carrying internal addresses differ on every k8s host',
  appliesTo: ({ model }) => (members(model, K8S).length > 0 ? true : 'k8s_cluster is empty'),
  check: (ctx) => {
    const carried = internalInterfaces(ctx);
    const macs = carried.values.flatMap(({ host, value }) =>
      value.ifaces.filter((i) => i.mac !== '' && i.mac !== '00:00:00:00:00:00').map((i) => ({ host, value: i.mac.toLowerCase() })),
    );
    const problems = [...duplicates(macs, (v) => v)].map(([mac, hosts]) => `${listNames(hosts)} share MAC ${mac}: give each VM its own MAC address`);
    return verdict(problems, carried.unknown, `${macs.length} distinct MACs on the internal interfaces`);
  },
});
