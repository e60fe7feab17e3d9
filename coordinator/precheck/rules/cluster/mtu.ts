import { K8S, listNames, members } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';
import { internalInterfaces } from './internal-interfaces';

export const clusterMtu = clusterRule({
  id: 'cluster.mtu',
  severity: 'warning',
  description: 'the interfaces carrying internal addresses share one MTU',
  appliesTo: ({ model }) => (members(model, K8S).length > 0 ? true : 'k8s_cluster is empty'),
  check: (ctx) => {
    const carried = internalInterfaces(ctx);
    const byMtu = new Map<number, string[]>();
    for (const { host, value } of carried.values) {
      for (const i of value.ifaces) {
        const list = byMtu.get(i.mtu);
        if (list) {
          if (list[list.length - 1] !== host) list.push(host);
        } else byMtu.set(i.mtu, [host]);
      }
    }
    const problems =
      byMtu.size > 1
        ? [
            `MTUs differ: ${[...byMtu].map(([mtu, hosts]) => `${mtu} on ${listNames(hosts, 5)}`).join('; ')}: set one MTU on the nodes' network (pod traffic between them fragments or drops otherwise)`,
          ]
        : [];
    const mtu = byMtu.size === 1 ? ` (${[...byMtu.keys()][0]})` : '';
    return verdict(problems, carried.unknown, `internal interfaces share one MTU${mtu}`);
  },
});
