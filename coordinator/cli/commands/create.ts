// `create`: the group — `create config`, `create inventory` (starter files) and `create cluster`.
import { Command } from 'commander';
import { createClusterCommand } from './create-cluster';
import { createConfigCommand } from './create-config';
import { createInventoryCommand } from './create-inventory';

export function createCommand(): Command {
  return new Command('create')
    .description('create a cluster, or write starter files (KubeKey v4 format)')
    .addCommand(createConfigCommand())
    .addCommand(createInventoryCommand())
    .addCommand(createClusterCommand());
}
