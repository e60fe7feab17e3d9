// `delete cluster`: what create cluster installed, removed by the coordinator through the agents.
import { Command } from 'commander';
import { adminClient } from '../client/admin-client';
import { followToExit } from '../client/follow-run';
import { clusterFiles, NO_CLUSTER_FILES } from '../cluster-input';
import { withConnection, connection, parseCount, type Conn } from '../common';
import { UserError } from '../../../shared/errors';

export function deleteClusterCommand(): Command {
  return withConnection(new Command('cluster'))
    .description("reset every node: kubeadm reset, the kubelet and Kubernetes' files; with --all also the container runtime, etcd, the image registry")
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml (not needed with --resume)')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('--all', "also remove the container runtime, etcd, the image registry and kk's /etc/hosts blocks")
    .option('--with-data', "with --all: also etcd's data directory and the registry's images")
    .option('--dry-run', 'print what would be removed, per host, and change nothing')
    .option('--resume <run-id>', 'continue a failed or interrupted delete')
    .option('--max-parallel <n>', 'hosts worked on at once', parseCount, 50)
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Examples:
  kk-coordinator delete cluster -i inventory.yaml -c config.yaml --dry-run
  kk-coordinator delete cluster -i inventory.yaml -c config.yaml --all --with-data -y   # back to bare nodes`,
    )
    .action(
      async (
        o: Conn & {
          inventory?: string;
          config?: string;
          all?: boolean;
          withData?: boolean;
          dryRun?: boolean;
          resume?: string;
          maxParallel: number;
          yes?: boolean;
        },
      ) => {
        if (!o.inventory && !o.resume) throw new UserError('delete cluster needs -i inventory.yaml (or --resume RUN_ID)', 2);
        if (o.withData && !o.all) throw new UserError("--with-data removes etcd's and the registry's data and goes with --all", 2);
        const f = o.inventory ? clusterFiles(o.inventory, o.config) : NO_CLUSTER_FILES;
        if (!o.dryRun && !o.yes) {
          if (!process.stdin.isTTY) throw new UserError('this removes Kubernetes from the nodes: pass --yes (or --dry-run to see the plan)', 2);
          process.stderr.write(
            `This removes Kubernetes${o.all ? ', the container runtime, etcd and the registry' : ''}${o.withData ? ' and their data' : ''} from every inventory host. Continue? [y/N] `,
          );
          const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d) => resolve(d.toString().trim())));
          process.stdin.pause();
          if (!/^y(es)?$/i.test(answer)) throw new UserError('cancelled', 1);
        }
        const client = await adminClient(connection(o));
        const stream = client.stream('DeleteCluster', {
          ...f,
          phases: [],
          skipPhases: [],
          dryRun: Boolean(o.dryRun),
          resume: o.resume ?? '',
          ignorePrecheckErrors: false,
          workDir: process.cwd(),
          tty: Boolean(process.stdout.isTTY),
          columns: process.stdout.columns ?? 100,
          command: ['delete', 'cluster', ...process.argv.slice(4)],
          skip: [],
          ignoreErrors: [],
          artifact: '',
          noDownload: true,
          maxParallel: o.maxParallel,
          force: false,
          deleteAll: Boolean(o.all),
          withData: Boolean(o.withData),
          planJson: false,
        });
        await followToExit(stream, client);
      },
    );
}
