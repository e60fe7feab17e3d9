import { Command, Option } from 'commander';
import { adminClient, call } from '../client/admin-client';
import { withConnection, connection, parseCount, type Conn } from '../common';
import { ago, parseDuration, table } from '../format';
import { UserError } from '../../../shared/errors';
import type { TokenInfo__Output } from '../../../shared/proto/generated/kk/v1/TokenInfo';

const expiry = (t: TokenInfo__Output) => (t.expiresAtMs ? new Date(t.expiresAtMs).toISOString().replace(/\.\d+Z$/, 'Z') : 'never');

export function tokenCommand(): Command {
  const token = new Command('token').description('bootstrap tokens: what a node presents once to enrol');

  token.addCommand(
    withConnection(new Command('create'))
      .description('mint a token and print the one-liner to run as root on each node')
      .option('--ttl <duration>', 'lifetime, e.g. 24h, 30m, 7d; 0 for never', '24h')
      .option('--uses <n>', 'how many nodes may enrol with it; 0 for unlimited', parseCount, 0)
      .option('--description <text>', 'a note shown in `token list`', '')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
      .action(async (o: Conn & { ttl: string; uses: number; description: string; output: string }) => {
        let ttl: number;
        try {
          ttl = parseDuration(o.ttl);
        } catch (err) {
          throw new UserError((err as Error).message, 2);
        }
        const client = await adminClient(connection(o));
        const t = await call(client, 'CreateToken', { ttlSeconds: ttl, uses: o.uses, description: o.description });
        if (o.output === 'json') {
          process.stdout.write(
            JSON.stringify({ id: t.id, token: t.token, oneLiner: t.oneLiner, expiresAtMs: t.expiresAtMs, usesAllowed: t.usesAllowed }, null, 2) + '\n',
          );
        } else {
          process.stdout.write(`${t.oneLiner}\n`);
          process.stderr.write(
            `token ${t.id}: expires ${expiry(t)}, ${t.usesAllowed ? `${t.usesAllowed} use(s)` : 'unlimited uses'}. Run the line above as root on each node.\n`,
          );
        }
        client.close();
      }),
  );

  token.addCommand(
    withConnection(new Command('list'))
      .description('list bootstrap tokens and their state')
      .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
      .action(async (o: Conn & { output: string }) => {
        const client = await adminClient(connection(o));
        const r = await call(client, 'ListTokens', {});
        if (o.output === 'json') process.stdout.write(JSON.stringify(r.tokens, null, 2) + '\n');
        else
          process.stdout.write(
            table(
              ['ID', 'STATUS', 'USES', 'EXPIRES', 'CREATED', 'DESCRIPTION'],
              r.tokens.map((t) => [t.id, t.status, `${t.usesCount}/${t.usesAllowed || '∞'}`, expiry(t), ago(t.createdAtMs), t.description]),
            ),
          );
        client.close();
      }),
  );

  token.addCommand(
    withConnection(new Command('revoke'))
      .description('revoke a token: nodes can no longer enrol with it (enrolled nodes are unaffected)')
      .argument('<id>', 'the token id (the part before the dot)')
      .action(async (id: string, o: Conn) => {
        const client = await adminClient(connection(o));
        const t = await call(client, 'RevokeToken', { id: id.split('.')[0] ?? id });
        process.stdout.write(`token ${t.id} revoked\n`);
        client.close();
      }),
  );
  return token;
}
