import { ETCD, members } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';
import { str, strList } from '../../vars';

export const etcdDeploymentType = clusterRule({
  id: 'etcd.deployment_type',
  severity: 'error',
  description: 'etcd.deployment_type is internal or external; external needs an odd, non-empty etcd group',
  appliesTo: () => true,
  check: ({ model }) => {
    const type = str(model.vars, 'etcd.deployment_type');
    const allowed = strList(model.vars, 'cluster_require.require_etcd_deployment_type');
    // The loader stores etcd.deployment_type in its canonical case; the list is compared the same way.
    if (!allowed.some((a) => a.toLowerCase() === type.toLowerCase())) return fail(`etcd.deployment_type "${type}" is not one of ${allowed.join(', ')}`);
    if (type !== 'external') return pass(`etcd.deployment_type ${type}: stacked etcd on the control plane`);
    const n = members(model, ETCD).length;
    if (n === 0) return fail('etcd.deployment_type is external but the etcd group is empty: put 1, 3 or 5 hosts in group etcd');
    if (n % 2 === 0) return fail(`the etcd group has ${n} hosts; etcd needs an odd number for quorum: use ${n - 1} or ${n + 1}`);
    return pass(`external etcd on ${n} host${n === 1 ? '' : 's'}`);
  },
});
