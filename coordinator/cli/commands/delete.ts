// `delete`: the group; its one subcommand is `delete cluster` (./delete-cluster.ts).
import { Command } from 'commander';
import { deleteClusterCommand } from './delete-cluster';

export function deleteCommand(): Command {
  return new Command('delete').description('remove what create cluster installed').addCommand(deleteClusterCommand());
}
