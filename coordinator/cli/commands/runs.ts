import { Command, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { adminClient, call } from '../admin-client';
import { withConnection, connection, parseCount } from '../common';
import { followRun } from '../stream';
import { loadCluster } from '../../inventory/index';
import { UserError } from '../../../shared/errors';

type Conn = { dataDir: string; coordinator?: string; credentials?: string };
const collect = (v: string, prev: string[]) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

function files(inventory: string, config?: string) {
  // Validated here first, so a typo is reported with this machine's file names and exit 2.
  const model = loadCluster(inventory, config ?? null);
  for (const w of model.warnings) process.stderr.write(`warning: ${w}\n`);
  return {
    inventoryName: path.resolve(inventory), inventoryYaml: readFileSync(inventory, 'utf8'),
    configName: config ? path.resolve(config) : '', configYaml: config ? readFileSync(config, 'utf8') : '',
  };
}

/** Streams a run to the terminal; the exit code says how it ended (130 cancelled, 1 failed). */
async function followToExit(stream: Parameters<typeof followRun>[0], client: { address: string; close(): void }): Promise<void> {
  const done = await followRun(stream, client.address);
  client.close();
  if (!done) {
    process.stderr.write('run cancelled\n');
    process.exitCode = 130;
    return;
  }
  // The pipeline's own output already said how the run ended and how to resume it.
  if (done.status !== 'ok' && done.status !== 'planned') process.exitCode = 1;
}

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
    .addOption(new Option('-o, --output <format>', 'with --dry-run: text, or json (the plan as data: every task\'s command, files by path, mode and sha256)').choices(['text', 'json']).default('text'))
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', `
Install runs step by step (os, nfs, etcd, image-registry, image-push, cri); each step checks what
the node already has and changes only what differs, so running create cluster again changes
nothing. A failed run names the step, host and task; fix the cause and use --resume.

Examples:
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --dry-run
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --phases pre_hook,precheck -y
  kk-coordinator create cluster -i inventory.yaml -c config.yaml --artifact kk-artifact.tgz -y   # air-gapped
  kk-coordinator runs                                   # find the id of a failed run
  kk-coordinator create cluster --resume 20261125-101500-ab12 -y`)
    .action(async (o: Conn & { inventory?: string; config?: string; phases: string[]; skipPhases: string[]; dryRun?: boolean; resume?: string; skip: string[]; ignoreErrors: string[]; yes?: boolean; artifact?: string; download: boolean; maxParallel: number; force?: boolean; output: 'text' | 'json' }) => {
      if (o.output === 'json' && !o.dryRun) throw new UserError('-o json prints the plan: use it with --dry-run', 2);
      if (!o.inventory && !o.resume) throw new UserError('create cluster needs -i inventory.yaml (or --resume RUN_ID)', 2);
      const f = o.inventory ? files(o.inventory, o.config) : { inventoryName: '', inventoryYaml: '', configName: '', configYaml: '' };
      if (!o.dryRun && !o.yes) {
        if (!process.stdin.isTTY) throw new UserError('this changes the nodes: pass --yes (or --dry-run to see the plan)', 2);
        process.stderr.write('This runs the phases on every inventory host. Continue? [y/N] ');
        const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d) => resolve(d.toString().trim())));
        process.stdin.pause();
        if (!/^y(es)?$/i.test(answer)) throw new UserError('cancelled', 1);
      }
      const client = await adminClient(connection(o));
      const stream = client.stream('CreateCluster', {
        ...f, phases: o.phases, skipPhases: o.skipPhases, dryRun: Boolean(o.dryRun), resume: o.resume ?? '',
        ignorePrecheckErrors: false, workDir: process.cwd(), tty: Boolean(process.stdout.isTTY), columns: process.stdout.columns ?? 100,
        command: ['create', 'cluster', ...process.argv.slice(4)], skip: o.skip, ignoreErrors: o.ignoreErrors,
        artifact: o.artifact ? path.resolve(o.artifact) : '', noDownload: !o.download,
        maxParallel: o.maxParallel, force: Boolean(o.force), planJson: o.output === 'json',
      });
      await followToExit(stream, client);
    });
}

export function deleteCommand(): Command {
  const del = new Command('delete').description('remove what create cluster installed');
  del.addCommand(withConnection(new Command('cluster'))
    .description('reset every node: kubeadm reset, the kubelet and Kubernetes\' files; with --all also the container runtime, etcd, the image registry')
    .option('-i, --inventory <file>', 'KubeKey v4 inventory.yaml (not needed with --resume)')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('--all', 'also remove the container runtime, etcd, the image registry and kk\'s /etc/hosts blocks')
    .option('--with-data', 'with --all: also etcd\'s data directory and the registry\'s images')
    .option('--dry-run', 'print what would be removed, per host, and change nothing')
    .option('--resume <run-id>', 'continue a failed or interrupted delete')
    .option('--max-parallel <n>', 'hosts worked on at once', parseCount, 50)
    .option('-y, --yes', 'do not ask for confirmation')
    .addHelpText('after', `
Examples:
  kk-coordinator delete cluster -i inventory.yaml -c config.yaml --dry-run
  kk-coordinator delete cluster -i inventory.yaml -c config.yaml --all --with-data -y   # back to bare nodes`)
    .action(async (o: Conn & { inventory?: string; config?: string; all?: boolean; withData?: boolean; dryRun?: boolean; resume?: string; maxParallel: number; yes?: boolean }) => {
      if (!o.inventory && !o.resume) throw new UserError('delete cluster needs -i inventory.yaml (or --resume RUN_ID)', 2);
      if (o.withData && !o.all) throw new UserError('--with-data removes etcd\'s and the registry\'s data and goes with --all', 2);
      const f = o.inventory ? files(o.inventory, o.config) : { inventoryName: '', inventoryYaml: '', configName: '', configYaml: '' };
      if (!o.dryRun && !o.yes) {
        if (!process.stdin.isTTY) throw new UserError('this removes Kubernetes from the nodes: pass --yes (or --dry-run to see the plan)', 2);
        process.stderr.write(`This removes Kubernetes${o.all ? ', the container runtime, etcd and the registry' : ''}${o.withData ? ' and their data' : ''} from every inventory host. Continue? [y/N] `);
        const answer = await new Promise<string>((resolve) => process.stdin.once('data', (d) => resolve(d.toString().trim())));
        process.stdin.pause();
        if (!/^y(es)?$/i.test(answer)) throw new UserError('cancelled', 1);
      }
      const client = await adminClient(connection(o));
      const stream = client.stream('DeleteCluster', {
        ...f, phases: [], skipPhases: [], dryRun: Boolean(o.dryRun), resume: o.resume ?? '',
        ignorePrecheckErrors: false, workDir: process.cwd(), tty: Boolean(process.stdout.isTTY), columns: process.stdout.columns ?? 100,
        command: ['delete', 'cluster', ...process.argv.slice(4)], skip: [], ignoreErrors: [], artifact: '', noDownload: true,
        maxParallel: o.maxParallel, force: false, deleteAll: Boolean(o.all), withData: Boolean(o.withData), planJson: false,
      });
      await followToExit(stream, client);
    }));
  return del;
}

export function runCommand(): Command {
  return withConnection(new Command('run'))
    .description('run one command on inventory hosts, live output prefixed by host, then a summary of exit codes')
    .requiredOption('-i, --inventory <file>', 'KubeKey v4 inventory.yaml')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('--hosts <names>', 'host or group names, comma-separated (default: every host)', collect, [])
    .option('--timeout <seconds>', 'kill the command (its whole process group) after this long', parseCount, 0)
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText('after', `
Examples:
  kk-coordinator run -i inventory.yaml -- uptime
  kk-coordinator run -i inventory.yaml --hosts kube_control_plane -- systemctl is-active kubelet
  kk-coordinator run -i inventory.yaml -- bash -c 'df -h / | tail -1'`)
    .action(async (argv: string[], o: Conn & { inventory: string; config?: string; hosts: string[]; timeout: number }) => {
      const client = await adminClient(connection(o));
      const stream = client.stream('RunCommand', { ...files(o.inventory, o.config), hosts: o.hosts, argv, timeoutSeconds: o.timeout });
      const done = await followRun(stream, client.address);
      client.close();
      if (!done) {
        process.exitCode = 130;
        return;
      }
      const hosts = Object.keys(done.exitCodes).sort();
      const bad = hosts.filter((h) => done.exitCodes[h] !== 0);
      process.stderr.write(`\n${hosts.length - bad.length}/${hosts.length} hosts exited 0\n`);
      for (const h of bad) process.stderr.write(`  ${h}: ${done.errors[h] ?? `exit code ${done.exitCodes[h]}`}\n`);
      process.exitCode = bad.length ? 1 : 0;
    });
}

export function runsCommand(): Command {
  const runs = withConnection(new Command('runs'))
    .enablePositionalOptions()
    .description('list runs of create cluster (newest first): status, phases, where they stopped')
    .action(async (o: Conn) => {
      const client = await adminClient(connection(o));
      process.stdout.write((await call(client, 'ListRuns', {})).text);
      client.close();
    });
  runs.addCommand(withConnection(new Command('show'))
    .description('one run: phases, tasks per host, timings, errors')
    .argument('<run-id>')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (id: string, o: Conn & { output: string }) => {
      const client = await adminClient(connection(o));
      process.stdout.write((await call(client, 'ShowRun', { id, json: o.output === 'json' })).text);
      client.close();
    }));
  runs.addCommand(withConnection(new Command('logs'))
    .description('the output a run\'s commands printed, per host')
    .argument('<run-id>')
    .option('--host <name>', 'only this host')
    .action(async (id: string, o: Conn & { host?: string }) => {
      const client = await adminClient(connection(o));
      process.stdout.write((await call(client, 'RunLogs', { id, host: o.host ?? '' }, 60_000)).text);
      client.close();
    }));
  return runs;
}
