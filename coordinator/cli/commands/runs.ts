// `runs`, `runs show ID`, `runs logs ID`: the run history the coordinator keeps.
import { Command, Option } from 'commander';
import { adminClient, call } from '../client/admin-client';
import { withConnection, connection, type Conn } from '../common';

export function runsCommand(): Command {
  const runs = withConnection(new Command('runs'))
    .enablePositionalOptions()
    .description('list runs of create cluster (newest first): status, phases, where they stopped')
    .action(async (o: Conn) => {
      const client = await adminClient(connection(o));
      process.stdout.write((await call(client, 'ListRuns', {})).text);
      client.close();
    });
  runs.addCommand(
    withConnection(new Command('show'))
      .description('one run: phases, tasks per host, timings, errors')
      .argument('<run-id>')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (id: string, o: Conn & { output: string }) => {
        const client = await adminClient(connection(o));
        process.stdout.write((await call(client, 'ShowRun', { id, json: o.output === 'json' })).text);
        client.close();
      }),
  );
  runs.addCommand(
    withConnection(new Command('logs'))
      .description("the output a run's commands printed, per host")
      .argument('<run-id>')
      .option('--host <name>', 'only this host')
      .action(async (id: string, o: Conn & { host?: string }) => {
        const client = await adminClient(connection(o));
        process.stdout.write((await call(client, 'RunLogs', { id, host: o.host ?? '' }, 60_000)).text);
        client.close();
      }),
  );
  return runs;
}
