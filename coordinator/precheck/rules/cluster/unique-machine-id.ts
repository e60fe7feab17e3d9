import { collect, duplicates, fact } from '../../facts-access';
import { listNames } from '../../hosts';
import { clusterRule } from '../../rule';
import { verdict } from '../../verdict';

export const clusterUniqueMachineId = clusterRule({
  id: 'cluster.unique_machine_id',
  severity: 'error',
  description: '/etc/machine-id differs on every host (cloned VMs share it)',
  appliesTo: () => true,
  check: (ctx) => {
    const seen = collect(
      ctx,
      ctx.model.hosts.map((h) => h.name),
      (_fs, host) => fact(ctx, host, 'machineId'),
    );
    const problems = [...duplicates(seen.values, (v) => v)].map(
      ([id, hosts]) => `${listNames(hosts)} share machine-id ${id.slice(0, 12)}…: regenerate it on the clones (rm /etc/machine-id && systemd-machine-id-setup)`,
    );
    return verdict(problems, seen.unknown, `${seen.values.length} distinct machine ids`);
  },
});
