// A real nats-server (NatsSupervisor, TLS, per-node JWTs and permissions), a coordinator
// connection with a CommandDispatcher, and agents: in this process (startCommandListener) or as a
// separate process (agent-process.ts) that a test can kill -9.
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { NatsSupervisor } from '../../../coordinator/nats/supervisor';
import { CommandDispatcher, type DispatcherOptions } from '../../../coordinator/commands/dispatcher';
import { startCommandListener } from '../../../agent/commands/listener';
import { decodeResult, encodeCommand, encodeSignedCommand, type Command, type CommandResult__Output } from '../../../shared/commands/codec';
import { signCommand } from '../../../shared/commands/signing';
import { commandResultSubject } from '../../../shared/subjects';
import { connectAsNode, credit, freePort, makeNode, makeTempDir, makeTls, memoryLogger, within, type NodeIdentity, type TlsMaterial } from '../nats/helpers';

export interface Env {
  dir: string;
  tls: TlsMaterial;
  port: number;
  sup: NatsSupervisor;
  coord: NatsConnection;
  dispatcher: CommandDispatcher;
  signing: { privateKeyPem: string; publicKeyPem: string };
  nodes: Record<string, NodeIdentity>;
  close(): Promise<void>;
}

export const FAST: DispatcherOptions = { republishMs: 300, livenessMs: 700, acceptTimeoutMs: 20_000, cancelWaitMs: 5000 };

export function makeSigningKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export async function setup(prefix: string, nodeNames: string[], dispatcherOptions: DispatcherOptions = FAST): Promise<Env> {
  const tmp = makeTempDir(prefix);
  const tls = makeTls(tmp.dir);
  const port = await freePort();
  const nodes = Object.fromEntries(nodeNames.map((n) => [n, makeNode(n)]));
  const sup = new NatsSupervisor({
    dataDir: tmp.dir,
    host: '127.0.0.1',
    port,
    tls,
    log: memoryLogger().log,
    restartBackoff: { initialMs: 100, maxMs: 1000 },
  });
  await sup.start();
  credit(sup, ...Object.values(nodes));
  const coord = await connect(sup.coordinatorConnectionOptions());
  const signing = makeSigningKey();
  const dispatcher = new CommandDispatcher(coord, signing.privateKeyPem, memoryLogger().log, dispatcherOptions);
  return {
    dir: tmp.dir,
    tls,
    port,
    sup,
    coord,
    dispatcher,
    signing,
    nodes,
    async close() {
      await dispatcher.close();
      await coord.close().catch(() => {});
      await sup.stop();
      tmp.cleanup();
    },
  };
}

/** An agent listener in this process, on its own node connection. */
export async function inProcessAgent(env: Env, node: string, over: Partial<Parameters<typeof startCommandListener>[1]> = {}) {
  const identity = env.nodes[node];
  if (!identity) throw new Error(`no node ${node}`);
  const nc = await connectAsNode(env.port, env.tls.caFile, identity, { reconnect: true, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  const dataDir = path.join(env.dir, `agent-${node}`);
  mkdirSync(dataDir, { recursive: true });
  const stop = startCommandListener(nc, {
    nodeName: node,
    signingPublicKeyPem: env.signing.publicKeyPem,
    caPem: '',
    serverUrl: 'https://127.0.0.1:1',
    dataDir,
    log: memoryLogger().log,
    ...over,
  });
  await nc.flush();
  return {
    nc,
    dataDir,
    async stop() {
      await stop();
      await nc.close();
    },
  };
}

/** The agent as its own process (so a test can kill -9 it); resolves once it listens. */
export async function agentProcess(env: Env, node: string, dataDir: string): Promise<ChildProcess> {
  const identity = env.nodes[node];
  if (!identity) throw new Error(`no node ${node}`);
  const conf = path.join(env.dir, `agent-${node}.json`);
  writeFileSync(
    conf,
    JSON.stringify({
      port: env.port,
      caFile: env.tls.caFile,
      node,
      seed: Buffer.from(identity.seed).toString(),
      jwt: identity.jwt,
      publicKeyPem: env.signing.publicKeyPem,
      dataDir,
    }),
  );
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'agent-process.ts'), conf], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await within(
    new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (d: Buffer) => {
        if (d.toString().includes('ready')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`agent process exited with ${code}`)));
    }),
    30_000,
    'agent process to listen',
  );
  return child;
}

/** A signed (or deliberately mis-signed) command as raw bytes, for tests that bypass the dispatcher. */
export function signedBytes(cmd: Command, privateKeyPem: string | null): Uint8Array {
  const bytes = encodeCommand(cmd);
  return encodeSignedCommand(bytes, privateKeyPem ? signCommand(bytes, privateKeyPem) : new Uint8Array(0));
}

/** Publishes raw bytes to a node's command subject and waits for the result on `id`. */
export async function publishAndWait(env: Env, node: string, id: string, bytes: Uint8Array, subject?: string): Promise<CommandResult__Output> {
  const sub = env.coord.subscribe(commandResultSubject(node, id), { max: 1 });
  await env.coord.flush();
  env.coord.publish(subject ?? `kk.cmd.${node}`, bytes);
  return within(
    (async () => {
      for await (const m of sub) return decodeResult(m.data);
      throw new Error('subscription closed');
    })(),
    20_000,
    `result of ${id}`,
  );
}
