import { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { starterConfig, starterInventory, DEFAULT_KUBE_VERSION } from '../../inventory/index';
import { UserError } from '../../../shared/errors';
import { createClusterCommand } from './runs';

/** Writes a starter file, never over an existing one unless asked: an operator's edits are not ours to lose. */
function writeStarter(content: string, output: string, force: boolean): void {
  if (output === '-') {
    process.stdout.write(content);
    return;
  }
  if (existsSync(output) && !force) throw new UserError(`${output} already exists: pass --force to overwrite it, or -o another file`, 2);
  writeFileSync(output, content, { mode: 0o644 });
  process.stderr.write(`wrote ${output}\n`);
}

export function createCommand(): Command {
  const create = new Command('create').description('create a cluster, or write starter files (KubeKey v4 format)');
  create.addCommand(new Command('config')
    .description('write a starter config.yaml with the component versions pinned for one Kubernetes version')
    .option('--with-kubernetes <version>', 'Kubernetes version, e.g. v1.33.1', DEFAULT_KUBE_VERSION)
    .option('-o, --output <file>', 'file to write, or - for stdout', 'config.yaml')
    .option('--force', 'overwrite an existing file', false)
    .action((o: { withKubernetes: string; output: string; force: boolean }) => {
      writeStarter(starterConfig(o.withKubernetes), o.output, o.force);
    }));
  create.addCommand(new Command('inventory')
    .description('write a starter inventory.yaml (hosts, groups kube_control_plane / kube_worker / etcd)')
    .option('-o, --output <file>', 'file to write, or - for stdout', 'inventory.yaml')
    .option('--force', 'overwrite an existing file', false)
    .action((o: { output: string; force: boolean }) => {
      writeStarter(starterInventory(), o.output, o.force);
    }));
  create.addCommand(createClusterCommand());
  return create;
}
