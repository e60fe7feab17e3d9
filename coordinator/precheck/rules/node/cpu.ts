import { fact } from '../../facts-access';
import { CP, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { num } from '../../vars';

export const nodeCpu = hostRule({
  id: 'node.cpu',
  severity: 'error',
  description: 'control-plane hosts have at least cluster_require.minimal_master_cpu CPUs',
  appliesTo: (host) => (inGroup(host, CP) ? true : 'not in kube_control_plane'),
  check: (host, ctx) => {
    const { count } = fact(ctx, host.name, 'cpu');
    const min = num(host.vars, 'cluster_require.minimal_master_cpu');
    if (count >= min) return pass(`${count} CPUs ≥ ${min}`);
    return fail(`${count} CPU${count === 1 ? '' : 's'}, a control-plane host needs at least ${min}: add CPUs`);
  },
});
