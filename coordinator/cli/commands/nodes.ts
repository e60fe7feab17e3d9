// `nodes`, `nodes refresh`, `nodes remove`: the enrolled nodes as the coordinator knows them.
import { Command, Option } from 'commander';
import { adminClient, call } from '../client/admin-client';
import { withConnection, connection, type Conn } from '../common';
import { ago, bytes, table } from '../format';

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
        process.stdout.write(
          table(
            headers,
            r.nodes.map((n) => {
              const row = [
                n.name,
                n.connected ? 'connected' : 'disconnected',
                (wide ? n.internalIps : n.internalIps.filter((ip) => !ip.includes(':'))).join(',') || '-',
                n.os || '-',
                n.arch || '-',
                n.kernel || '-',
                String(n.cpuCount || '-'),
                bytes(n.memoryBytes),
                ago(n.lastSeenMs, r.coordinatorTimeMs),
              ];
              if (wide) row.push(`${n.clockOffsetMs}ms`, n.agentVersion, n.machineId, new Date(n.enrolledAtMs).toISOString());
              return row;
            }),
          ),
        );
        if (!r.nodes.length) process.stderr.write('no nodes enrolled yet: run `kk-coordinator token create` and the printed line on each node\n');
      }
      client.close();
    });

  nodes.addCommand(
    withConnection(new Command('refresh'))
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
      }),
  );

  nodes.addCommand(
    withConnection(new Command('remove'))
      .description('remove a node: revokes its certificate and its NATS user; it must re-enrol with a new token')
      .argument('<node>')
      .action(async (name: string, o: Conn) => {
        const client = await adminClient(connection(o));
        await call(client, 'RemoveNode', { name });
        process.stdout.write(`node ${name} removed\n`);
        client.close();
      }),
  );
  return nodes;
}
