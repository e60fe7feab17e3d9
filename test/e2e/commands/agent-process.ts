// The command listener as a process of its own, for tests that kill -9 the agent mid-command.
// Usage: node --import tsx agent-process.ts CONFIG.json   (prints "ready" once subscribed)
import { readFileSync } from 'node:fs';
import { connect, jwtAuthenticator } from 'nats';
import pino from 'pino';
import { startCommandListener } from '../../../agent/commands/listener';
import { nodeInboxPrefix } from '../../../shared/subjects';

const conf = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as {
  port: number;
  caFile: string;
  node: string;
  seed: string;
  jwt: string;
  publicKeyPem: string;
  dataDir: string;
};
const nc = await connect({
  servers: [`127.0.0.1:${conf.port}`],
  tls: { caFile: conf.caFile },
  authenticator: jwtAuthenticator(conf.jwt, new TextEncoder().encode(conf.seed)),
  inboxPrefix: nodeInboxPrefix(conf.node),
  reconnect: true,
  maxReconnectAttempts: -1,
  reconnectTimeWait: 100,
});
startCommandListener(nc, {
  nodeName: conf.node,
  signingPublicKeyPem: conf.publicKeyPem,
  caPem: '',
  serverUrl: 'https://127.0.0.1:1',
  dataDir: conf.dataDir,
  log: pino({ level: 'warn' }, pino.destination(2)),
});
await nc.flush();
process.stdout.write('ready\n');
