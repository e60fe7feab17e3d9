import { fact } from '../../facts-access';
import { K8S, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';

const REQUIRED: Record<1 | 2, string[]> = {
  1: ['cpu', 'cpuacct', 'cpuset', 'devices', 'freezer', 'memory', 'pids'],
  2: ['cpu', 'cpuset', 'memory', 'pids'],
};

export const nodeCgroups = hostRule({
  id: 'node.cgroups',
  severity: 'error',
  description: 'the cgroup controllers the kubelet needs are enabled (v1: cpu cpuacct cpuset devices freezer memory pids; v2: cpu cpuset memory pids)',
  appliesTo: (host) => (inGroup(host, K8S) ? true : 'not in k8s_cluster'),
  check: (host, ctx) => {
    const cgroup = fact(ctx, host.name, 'cgroup');
    const required = REQUIRED[cgroup.version];
    if (!required) return fail(`unknown cgroup version ${String(cgroup.version)}`);
    const have = new Set(cgroup.controllers);
    const missing = required.filter((c) => !have.has(c));
    if (missing.length === 0) return pass(`cgroup v${cgroup.version} with ${required.join(', ')}`);
    return fail(
      `cgroup v${cgroup.version} controllers missing: ${missing.join(', ')}: enable them on the kernel command line (e.g. cgroup_enable=${missing[0]}) and reboot`,
    );
  },
});
