// `create cluster`: sends the files to the coordinator, which runs the phases through the agents;
// the run's events stream back here.
import { Command, Option } from 'commander';
import path from 'node:path';
import { adminClient } from '../client/admin-client';
import { followToExit } from '../client/follow-run';
import { clusterFiles, collect, NO_CLUSTER_FILES } from '../cluster-input';
import { withConnection, connection, parseCount, type Conn } from '../common';
import { UserError } from '../../../shared/errors';

export function createClusterCommand(): Command {
  return withConnection(new Command('cluster'))
    .description('create a cluster: pre_hook → precheck → init → install → post_hook, run by the coordinator through the agents')
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml (not needed with --resume)')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('--phases <names>', 'only these phases, comma-separated', collect, [])
    .option('--skip-phases <names>', 'leave these phases out', collect, [])
    .option('--dry-run', 'print the plan — per phase, per host, the commands — and change nothing')
    .option('--resume <run-id>', 'continue a failed or interrupted run without redoing completed steps')
    .option('--skip <ids>', 'precheck rules not evaluated', collect, [])
    .option('--ignore-errors <ids>', 'precheck errors reported as warnings ("all" for every rule)', collect, [])
    .option('--artifact <file>', 'offline bundle (kk-coordinator artifact export): init takes every file from it, verified, and downloads nothing')
    .option('--no-download', 'init: plan the artifacts but fetch nothing (they are already in place)')
    .option('--max-parallel <n>', 'install: hosts worked on at once in each step (etcd members always start together)', parseCount, 50)
    .option('--force', 'install: allow downgrading etcd or containerd to the configured version')
    .addOption(
      new Option('-o, --output <format>', "with --dry-run: text, or json (the plan as data: every task's command, files by path, mode and sha256)")
        .choices(['text', 'json'])
        .default('text'),
    )
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText(
      'after',
      `
Install runs step by step (os, nfs, etcd, image-registry, image-push, cri); each step checks what
the node already has and changes only what differs, so running create cluster again changes
nothing. A failed run names the step, host and task; fix the cause and use --resume.

Examples:
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --dry-run
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --phases pre_hook,precheck -y
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --artifact kk-artifact.tgz -y   # air-gapped
  kk-coordinator runs                                   # find the id of a failed run
  kk-coordinator create cluster --resume 20261125-101500-ab12 -y`,
    )
    .action(
      async (
        o: Conn & {
          inventory?: string;
          config?: string;
          phases: string[];
          skipPhases: string[];
          dryRun?: boolean;
          resume?: string;
          skip: string[];
          ignoreErrors: string[];
          yes?: boolean;
          artifact?: string;
          download: boolean;
          maxParallel: number;
          force?: boolean;
          output: 'text' | 'json';
        },
      ) => {
        if (o.output === 'json' && !o.dryRun) throw new UserError('-o json prints the plan: use it with --dry-run', 2);
        if (!o.inventory && !o.resume) throw new UserError('create cluster needs -i inventory.yaml (or --resume RUN_ID)', 2);
        const f = o.inventory ? clusterFiles(o.inventory, o.config) : NO_CLUSTER_FILES;
        if (!o.dryRun && !o.yes) {
          if (!process.stdin.isTTY) throw new UserError('this changes the nodes: pass --yes (or --dry-run to see the plan)', 2);
          process.stderr.write('This runs the phases on every inventory host. Continue? [y/N] ');
          const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d) => resolve(d.toString().trim())));
          process.stdin.pause();
          if (!/^y(es)?$/i.test(answer)) throw new UserError('cancelled', 1);
        }
        const client = await adminClient(connection(o));
        const stream = client.stream('CreateCluster', {
          ...f,
          phases: o.phases,
          skipPhases: o.skipPhases,
          dryRun: Boolean(o.dryRun),
          resume: o.resume ?? '',
          ignorePrecheckErrors: false,
          workDir: process.cwd(),
          tty: Boolean(process.stdout.isTTY),
          columns: process.stdout.columns ?? 100,
          command: ['create', 'cluster', ...process.argv.slice(4)],
          skip: o.skip,
          ignoreErrors: o.ignoreErrors,
          artifact: o.artifact ? path.resolve(o.artifact) : '',
          noDownload: !o.download,
          maxParallel: o.maxParallel,
          force: Boolean(o.force),
          planJson: o.output === 'json',
        });
        await followToExit(stream, client);
      },
    );
}
