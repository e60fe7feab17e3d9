import { Command, Option } from 'commander';
import { adminClient, call } from '../admin-client';
import { withConnection, connection } from '../common';
import { ago, bytes, table } from '../format';
import { factSetFromWire } from '../../../shared/facts/wire';

type Conn = { dataDir: string; coordinator?: string; credentials?: string };

export function nodesCommand(): Command {
  const nodes = withConnection(new Command('nodes'))
    .enablePositionalOptions()
    .description('list enrolled nodes (name, IPs, OS, arch, kernel, CPU, memory, connection)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'wide', 'json']).default('table'))
    .action(async (o: Conn & { output: string }) => {
      const client = await adminClient(connection(o));
      const r = await call(client, 'ListNodes', {});
      if (o.output === 'json') {
        process.stdout.write(JSON.stringify(r.nodes, null, 2) + '\n');
      } else {
        const wide = o.output === 'wide';
        const headers = ['NAME', 'STATUS', 'INTERNAL-IPS', 'OS', 'ARCH', 'KERNEL', 'CPU', 'MEMORY', 'LAST-SEEN'];
        if (wide) headers.push('CLOCK-OFFSET', 'AGENT', 'MACHINE-ID', 'ENROLLED');
        process.stdout.write(table(headers, r.nodes.map((n) => {
          const row = [
            n.name, n.connected ? 'connected' : 'disconnected', (wide ? n.internalIps : n.internalIps.filter((ip) => !ip.includes(':'))).join(',') || '-',
            n.os || '-', n.arch || '-', n.kernel || '-', String(n.cpuCount || '-'), bytes(n.memoryBytes), ago(n.lastSeenMs, r.coordinatorTimeMs),
          ];
          if (wide) row.push(`${n.clockOffsetMs}ms`, n.agentVersion, n.machineId, new Date(n.enrolledAtMs).toISOString());
          return row;
        })));
        if (!r.nodes.length) process.stderr.write('no nodes enrolled yet: run `kk-coordinator token create` and the printed line on each node\n');
      }
      client.close();
    });

  nodes.addCommand(withConnection(new Command('refresh'))
    .description('ask agents for fresh facts now (all nodes, or the ones named) and wait for them')
    .argument('[node...]', 'node names (default: every enrolled node)')
    .option('--fio <dir>', 'also run the etcd fio disk probe in DIR on those nodes')
    .option('--timeout <seconds>', 'how long to wait for the answers', (v) => Number(v), 30)
    .action(async (names: string[], o: Conn & { fio?: string; timeout: number }) => {
      const client = await adminClient(connection(o));
      const r = await call(client, 'RefreshFacts', { names, fioDirectory: o.fio ?? '', timeoutMs: o.timeout * 1000 }, o.timeout * 1000 + 10_000);
      process.stdout.write(`${r.refreshed.length} node(s) reported fresh facts\n`);
      const failed = Object.entries(r.failed);
      for (const [n, why] of failed) process.stderr.write(`  ${n}: ${why}\n`);
      process.exitCode = failed.length ? 1 : 0;
      client.close();
    }));

  nodes.addCommand(withConnection(new Command('remove'))
    .description('remove a node: revokes its certificate and its NATS user; it must re-enrol with a new token')
    .argument('<node>')
    .action(async (name: string, o: Conn) => {
      const client = await adminClient(connection(o));
      await call(client, 'RemoveNode', { name });
      process.stdout.write(`node ${name} removed\n`);
      client.close();
    }));
  return nodes;
}

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
