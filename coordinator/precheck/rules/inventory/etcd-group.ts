import { ETCD, members } from '../../hosts';
import { clusterRule, fail, pass } from '../../rule';
import { isSet, str } from '../../vars';

export const inventoryEtcdGroup = clusterRule({
  id: 'inventory.etcd_group',
  severity: 'error',
  description: 'with kube_version set and external etcd, the etcd group is not empty',
  appliesTo: ({ model }) => {
    if (!isSet(model.vars, 'kubernetes.kube_version')) return 'kubernetes.kube_version is not set';
    const type = str(model.vars, 'etcd.deployment_type');
    return type === 'external' ? true : `etcd.deployment_type is ${type}, not external`;
  },
  check: ({ model }) => {
    const n = members(model, ETCD).length;
    return n > 0
      ? pass(`etcd group has ${n} host${n === 1 ? '' : 's'}`)
      : fail('etcd.deployment_type is external but the etcd group is empty: put the etcd hosts in group etcd, or set etcd.deployment_type: internal');
  },
});
