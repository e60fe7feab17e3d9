// `create inventory`: a starter inventory.yaml.
import { Command } from 'commander';
import { starterInventory } from '../../inventory/index';
import { writeStarter } from '../starter-file';

export function createInventoryCommand(): Command {
  return new Command('inventory')
    .description('write a starter inventory.yaml (hosts, groups kube_control_plane / kube_worker / etcd)')
    .option('-o, --output <file>', 'file to write, or - for stdout', 'inventory.yaml')
    .option('--force', 'overwrite an existing file', false)
    .action((o: { output: string; force: boolean }) => {
      writeStarter(starterInventory(), o.output, o.force);
    });
}
