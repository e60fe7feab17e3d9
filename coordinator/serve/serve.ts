// `kk-coordinator serve`: the long-running coordinator. Owns the data dir, the CA, the gRPC port
// (agents + operators), the HTTPS port (bootstrap + downloads) and a supervised nats-server.
import * as grpc from '@grpc/grpc-js';
import { mkdirSync, readFileSync, statSync, existsSync, createReadStream, readdirSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { isIP } from 'node:net';
import { loadGrpc } from '../../shared/proto/index';
import { CertificateAuthority } from '../pki/authority';
import { TokenStore } from '../tokens/tokens';
import { NodeRegistry } from '../registry/nodes';
import { AgentSessions, agentServiceHandlers, type NatsAccess } from '../server/agent-service';
import { adminServiceHandlers, admitLocally } from '../server/admin-service';
import { clearStaleAdminSocket, listenAdminSocket, type AdminSocket } from '../server/admin-socket';
import { shutdownGrpc } from '../server/grpc-shutdown';
import { ADMIN_SOCKET_FILE } from '../state/admin-access';
import { optionalClientCertCredentials } from '../server/peer';
import { createHttpsServer, type ServedFile } from '../server/http';
import { bootstrapOneLiner } from './one-liner';
import { loadOrCreateServingCert, loadOrCreateAdminCredentials, adminFingerprint, loadOrCreateSigningKey } from './identity';
import { openNats } from '../nats/nats-service';
import { NatsMembership } from '../nats/membership';
import { connect, type NatsConnection } from 'nats';
import { CommandDispatcher } from '../commands/dispatcher';
import { reachabilityRunner } from '../precheck/live/reachability';
import { cacheLookup } from '../init/artifacts/cache';
import { caHash, publicKeyPin, COORDINATOR_TLS_NAME } from '../../shared/pki/x509';
import { UserError } from '../../shared/errors';
import type { Logger } from '../../shared/log';
import { KK_VERSION } from '../../shared/version';

export interface ServeOptions {
  dataDir: string;
  listenAddress: string;
  advertiseAddress?: string;
  grpcPort: number;
  httpPort: number;
  natsPort: number;
  natsUrl?: string;
  agentBundle: string;
  nodeRuntimeDir?: string;
  /** The artifact cache served to agents at /artifacts/<sha256> (default <dataDir>/artifacts). */
  artifactDir?: string;
  factsIntervalSeconds: number;
  log: Logger;
}

export interface RunningCoordinator {
  stop(): Promise<void>;
  oneLiner(joinToken: string): string;
}

export function defaultAdvertiseAddress(): string {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

const hostPort = (host: string, port: number) => (isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`);

export async function serve(o: ServeOptions): Promise<RunningCoordinator> {
  const log = o.log;
  const advertise = o.advertiseAddress ?? defaultAdvertiseAddress();
  mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
  await clearStaleAdminSocket(path.join(o.dataDir, ADMIN_SOCKET_FILE));
  const pkiDir = path.join(o.dataDir, 'pki');
  const stateDir = path.join(o.dataDir, 'state');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });

  const ca = await CertificateAuthority.loadOrCreate(pkiDir);
  const ips = new Set(['127.0.0.1', '::1']);
  const dns = new Set(['localhost', os.hostname(), COORDINATOR_TLS_NAME]);
  for (const a of [advertise, o.listenAddress]) {
    if (isIP(a)) {
      if (a !== '0.0.0.0' && a !== '::') ips.add(a);
    } else dns.add(a);
  }
  const serving = await loadOrCreateServingCert(ca, pkiDir, [...dns], [...ips]);
  const admin = await loadOrCreateAdminCredentials(ca, o.dataDir, hostPort(advertise, o.grpcPort));
  const signing = loadOrCreateSigningKey(pkiDir);
  const pin = publicKeyPin(serving.certPem);
  const hash = caHash(ca.caPem);

  const tokens = new TokenStore(stateDir);
  const registry = new NodeRegistry(stateDir);

  // NATS: a supervised child by default; with --nats URL an operator-run server. Either way NATS
  // trusts JWTs the coordinator signs: enrolling a node changes nothing on the server, removing
  // one revokes its key (nats/nats-service.ts).
  const natsService = openNats({
    dataDir: o.dataDir,
    externalUrl: o.natsUrl,
    listenAddress: o.listenAddress,
    port: o.natsPort,
    advertiseUrl: `tls://${hostPort(advertise, o.natsPort)}`,
    pkiDir,
    log,
  });
  await natsService.start();
  const natsUrls = [...natsService.urls];
  const membership = new NatsMembership(registry.list(), (keys) => natsService.revoke(keys));
  const nats: NatsAccess = {
    urls: () => natsUrls,
    userJwt: (node) => natsService.userJwt(node),
    syncNodes: (nodes) => membership.sync(nodes),
  };

  // The coordinator's own NATS connection carries every command (signed) and every result.
  let commandsNc: NatsConnection;
  try {
    commandsNc = await connect(natsService.coordinatorConnectionOptions());
  } catch (err) {
    await natsService.stop();
    throw new UserError(`cannot connect to NATS at ${natsUrls.join(', ')}: ${(err as Error).message}`);
  }
  const dispatcher = new CommandDispatcher(commandsNc, signing.privateKeyPem, log.child({ component: 'commands' }));

  const oneLiner = (joinToken: string) => bootstrapOneLiner(`https://${hostPort(advertise, o.httpPort)}`, pin, joinToken);

  const sessions = new AgentSessions(registry);
  const proto = loadGrpc();
  const server = new grpc.Server(SERVER_OPTIONS);
  server.addService(
    proto.kk.v1.AgentService.service,
    agentServiceHandlers(
      {
        ca,
        tokens,
        registry,
        nats,
        commandSigningPublicKeyPem: signing.publicKeyPem,
        factsIntervalSeconds: o.factsIntervalSeconds,
        log: log.child({ component: 'agents' }),
      },
      sessions,
    ),
  );
  const adminFps = new Set([adminFingerprint(admin)]);
  const adminHandlers = adminServiceHandlers(
    {
      adminFingerprints: () => adminFps,
      tokens,
      registry,
      nats,
      oneLiner,
      caHash: hash,
      log: log.child({ component: 'admin' }),
      live: { registry, sessions, reachability: reachabilityRunner(dispatcher) },
      runs: { dataDir: o.dataDir, dispatcher: () => dispatcher, artifactStore: o.artifactDir ?? path.join(o.dataDir, 'artifacts') },
    },
    sessions,
  );
  server.addService(proto.kk.v1.AdminService.service, adminHandlers);
  await new Promise<void>((resolve, reject) => {
    server.bindAsync(hostPort(o.listenAddress, o.grpcPort), optionalClientCertCredentials(ca.caPem, serving.certPem, serving.keyPem), (err) => {
      if (err) reject(new UserError(`cannot listen for gRPC on ${hostPort(o.listenAddress, o.grpcPort)}: ${err.message}`));
      else resolve();
    });
  }).catch(async (err: unknown) => {
    await natsService.stop();
    throw err;
  });

  let adminSocket: AdminSocket | null;
  try {
    adminSocket = await listenAdminSocket(
      path.join(o.dataDir, ADMIN_SOCKET_FILE),
      proto.kk.v1.AdminService.service,
      admitLocally(adminHandlers),
      SERVER_OPTIONS,
      log.child({ component: 'admin' }),
    );
  } catch (err) {
    server.forceShutdown();
    await natsService.stop();
    throw err;
  }

  const agentFiles = await agentDownloads(o.agentBundle, o.nodeRuntimeDir);
  const https = createHttpsServer({
    certPem: serving.certPem,
    keyPem: serving.keyPem,
    caPem: ca.caPem,
    bootstrapScript: readBootstrapScript(o.agentBundle),
    info: () => ({ version: KK_VERSION, grpc: hostPort(advertise, o.grpcPort), nats: natsUrls }),
    agentFiles,
    log: log.child({ component: 'http' }),
    artifacts: cacheLookup(o.artifactDir ?? path.join(o.dataDir, 'artifacts')),
  });
  await new Promise<void>((resolve, reject) => {
    https.once('error', (err) => reject(new UserError(`cannot listen for HTTPS on ${hostPort(o.listenAddress, o.httpPort)}: ${err.message}`)));
    https.listen(o.httpPort, o.listenAddress, () => resolve());
  }).catch(async (err: unknown) => {
    server.forceShutdown();
    await adminSocket?.close();
    await natsService.stop();
    throw err;
  });

  const pinger = setInterval(() => sessions.pingAll(), 15_000);
  log.info(
    {
      dataDir: o.dataDir,
      grpc: hostPort(o.listenAddress, o.grpcPort),
      https: hostPort(o.listenAddress, o.httpPort),
      advertise,
      nats: natsUrls,
      caHash: hash,
      nodes: registry.list().length,
      adminSocket: adminSocket?.path ?? null,
    },
    'coordinator ready — create a join command with: kk-coordinator token create',
  );

  let stopping: Promise<void> | undefined;
  return {
    oneLiner,
    stop() {
      stopping ??= (async () => {
        clearInterval(pinger);
        https.closeAllConnections();
        await new Promise<void>((resolve) => https.close(() => resolve()));
        await shutdownGrpc(server);
        await adminSocket?.close();
        await dispatcher.close();
        // Shutting down: a connection that already broke has nothing left to close.
        await commandsNc.close().catch(() => {});
        await natsService.stop();
        // Writes already on their way finish first; flushSync then writes whatever is left.
        await Promise.all([registry.flushed(), tokens.flushed()]).catch(() => undefined);
        registry.flushSync();
        tokens.flushSync();
        log.info('coordinator stopped');
      })();
      return stopping;
    },
  };
}

const SERVER_OPTIONS: grpc.ServerOptions = {
  'grpc.max_receive_message_length': 4 * 1024 * 1024,
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.min_ping_interval_without_data_ms': 10_000,
};

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

/** What nodes download: the agent bundle, and a Node.js runtime per architecture. */
async function agentDownloads(bundle: string, runtimeDir?: string): Promise<Map<string, ServedFile>> {
  if (!existsSync(bundle)) throw new UserError(`agent bundle not found at ${bundle}: run \`make build\` (or pass --agent-bundle)`);
  const files = new Map<string, ServedFile>();
  const add = async (name: string, file: string, contentType: string) => {
    files.set(name, { path: file, sha256: await sha256File(file), size: statSync(file).size, contentType });
  };
  await add('kk-agent.cjs', bundle, 'application/javascript');
  // This coordinator's own runtime serves nodes of its architecture; others come from --node-runtime-dir.
  const own = NODE_ARCH[process.arch];
  if (own) await add(`node-linux-${own}`, process.execPath, 'application/octet-stream');
  if (runtimeDir) {
    for (const name of readdirSync(runtimeDir)) {
      if (/^node-linux-(amd64|arm64)$/.test(name)) await add(name, path.join(runtimeDir, name), 'application/octet-stream');
    }
  }
  return files;
}

function readBootstrapScript(agentBundle: string): string {
  // Next to the bundle in dist/ (copied by the build), else the source tree's scripts/.
  for (const p of [path.join(path.dirname(agentBundle), 'bootstrap.sh'), path.join(path.dirname(agentBundle), '../scripts/bootstrap.sh')]) {
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  throw new UserError('bootstrap.sh not found next to the agent bundle: run `make build`');
}
