import { clusterRule, fail, pass } from '../../rule';
import { str, strList } from '../../vars';

export const criContainerManager = clusterRule({
  id: 'cri.container_manager',
  severity: 'error',
  description: 'cri.container_manager is in cluster_require.require_container_manager',
  appliesTo: () => true,
  check: ({ model }) => {
    const cm = str(model.vars, 'cri.container_manager');
    const allowed = strList(model.vars, 'cluster_require.require_container_manager');
    // The loader stores cri.container_manager in its canonical case; the list is compared the same way.
    if (allowed.some((a) => a.toLowerCase() === cm.toLowerCase())) return pass(`container manager ${cm}`);
    return fail(`cri.container_manager "${cm}" is not supported (${allowed.join(', ')})`);
  },
});
