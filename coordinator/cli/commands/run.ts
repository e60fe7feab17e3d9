// `run -- CMD`: one command on inventory hosts, output streamed, exit codes summarised.
import { Command } from 'commander';
import { adminClient } from '../client/admin-client';
import { followRun } from '../client/follow-run';
import { clusterFiles, collect } from '../cluster-input';
import { withConnection, connection, parseCount, type Conn } from '../common';

export function runCommand(): Command {
  return withConnection(new Command('run'))
    .description('run one command on inventory hosts, live output prefixed by host, then a summary of exit codes')
    .requiredOption('-i, --inventory <file>', 'KubeKey v4 inventory.yaml')
    .option('-c, --config <file>', 'KubeKey v4 config.yaml')
    .option('--hosts <names>', 'host or group names, comma-separated (default: every host)', collect, [])
    .option('--timeout <seconds>', 'kill the command (its whole process group) after this long', parseCount, 0)
    .argument('<command...>', 'the command and its arguments, after --')
    .addHelpText(
      'after',
      `
Examples:
  kk-coordinator run -i inventory.yaml -- uptime
  kk-coordinator run -i inventory.yaml --hosts kube_control_plane -- systemctl is-active kubelet
  kk-coordinator run -i inventory.yaml -- bash -c 'df -h / | tail -1'`,
    )
    .action(async (argv: string[], o: Conn & { inventory: string; config?: string; hosts: string[]; timeout: number }) => {
      const client = await adminClient(connection(o));
      const stream = client.stream('RunCommand', { ...clusterFiles(o.inventory, o.config), hosts: o.hosts, argv, timeoutSeconds: o.timeout });
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
