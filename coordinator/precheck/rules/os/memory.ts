import { fact } from '../../facts-access';
import { CP, WORKER, inGroup } from '../../hosts';
import { fail, hostRule, pass } from '../../rule';
import { bytes, mib, toMiB } from '../../units';
import { num } from '../../vars';

export const osMemory = hostRule({
  id: 'os.memory',
  severity: 'error',
  description: 'MemTotal in MiB ≥ minimal_master_memory_mb on control-plane hosts, ≥ minimal_node_memory_mb on workers',
  appliesTo: (host) => (inGroup(host, CP) || inGroup(host, WORKER) ? true : 'not in kube_control_plane or kube_worker'),
  check: (host, ctx) => {
    const memory = fact(ctx, host.name, 'memory');
    const cp = inGroup(host, CP);
    const key = cp ? 'minimal_master_memory_mb' : 'minimal_node_memory_mb';
    const required = mib(num(host.vars, `cluster_require.${key}`));
    const total = toMiB(bytes(memory.totalBytes));
    const role = cp ? 'control-plane host' : 'worker';
    if (total >= required) return pass(`${total} MiB of memory, ${required} MiB required for a ${role}`);
    return fail(`${total} MiB of memory is less than the ${required} MiB required for a ${role} (cluster_require.${key}): add memory`);
  },
});
