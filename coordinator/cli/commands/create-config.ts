// `create config`: a starter config.yaml with the component versions pinned for one Kubernetes version.
import { Command } from 'commander';
import { starterConfig, DEFAULT_KUBE_VERSION } from '../../inventory/index';
import { writeStarter } from '../starter-file';

export function createConfigCommand(): Command {
  return new Command('config')
    .description('write a starter config.yaml with the component versions pinned for one Kubernetes version')
    .option('--with-kubernetes <version>', 'Kubernetes version, e.g. v1.33.1', DEFAULT_KUBE_VERSION)
    .option('-o, --output <file>', 'file to write, or - for stdout', 'config.yaml')
    .option('--force', 'overwrite an existing file', false)
    .action((o: { withKubernetes: string; output: string; force: boolean }) => {
      writeStarter(starterConfig(o.withKubernetes), o.output, o.force);
    });
}
