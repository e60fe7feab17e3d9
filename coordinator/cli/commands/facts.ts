// `facts NODE`: the fact set the coordinator holds for a node.
import { Command, Option } from 'commander';
import { adminClient, call } from '../client/admin-client';
import { withConnection, connection, type Conn } from '../common';
import { factSetFromWire } from '../../../shared/facts/wire';

export function factsCommand(): Command {
  return withConnection(new Command('facts'))
    .description('print the fact set the coordinator holds for a node (facts.md JSON, plus receivedAtMs and clockOffsetMs)')
    .argument('<node>')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['json']).default('json'))
    .option('--refresh', 'ask the agent for fresh facts first')
    .action(async (name: string, o: Conn & { refresh?: boolean }) => {
      const client = await adminClient(connection(o));
      if (o.refresh) {
        const r = await call(client, 'RefreshFacts', { names: [name], fioDirectory: '', timeoutMs: 20_000 }, 30_000);
        const why = r.failed[name];
        if (why) process.stderr.write(`warning: ${name}: ${why}; showing the last facts received\n`);
      }
      const r = await call(client, 'GetFacts', { name });
      if (!r.facts) throw new Error('coordinator returned no facts');
      const facts = { ...factSetFromWire(r.facts), receivedAtMs: r.receivedAtMs, clockOffsetMs: r.clockOffsetMs };
      process.stdout.write(JSON.stringify(facts, null, 2) + '\n');
      client.close();
    });
}
