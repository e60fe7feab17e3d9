// AdminService: what the operator CLI calls, over the network with the admin certificate or on
// the coordinator's local admin socket.
import * as grpc from '@grpc/grpc-js';
import type { AdminServiceHandlers } from '../../shared/proto/generated/kk/v1/AdminService';
import type { TokenInfo } from '../../shared/proto/generated/kk/v1/TokenInfo';
import type { NodeInfo } from '../../shared/proto/generated/kk/v1/NodeInfo';
import type { TokenRecord, TokenStore } from '../tokens/tokens';
import type { NodeRecord, NodeRegistry } from '../registry/nodes';
import type { AgentSessions, NatsAccess } from './agent-service';
import { factSetToWire } from '../../shared/facts/wire';
import { CallRefused, answersItself, peerFingerprint, toServiceError } from './peer';
import type { PrecheckRequest__Output } from '../../shared/proto/generated/kk/v1/PrecheckRequest';
import type { PrecheckEvent } from '../../shared/proto/generated/kk/v1/PrecheckEvent';
import { loadClusterFromText } from '../inventory/index';
import { runLivePrecheck } from '../precheck/live/stream';
import type { LiveDeps } from '../precheck/live/gather';
import type { Report } from '../precheck/report';
import type { PrecheckReport } from '../../shared/proto/generated/kk/v1/PrecheckReport';
import { UserError } from '../../shared/errors';
import { runServiceHandlers, type RunServiceDeps } from './run-service';
import type { Logger } from '../../shared/log';

/** Calls that arrived on the local admin socket: admitLocally marks them as they come in. */
const localCalls = new WeakSet<object>();

/**
 * The same handlers for the local admin socket (admin-socket.ts): there, being able to open the
 * socket (mode 0600, root) is the credential, so its calls are admitted without a certificate.
 */
export function admitLocally(handlers: AdminServiceHandlers): grpc.UntypedServiceImplementation {
  const out: grpc.UntypedServiceImplementation = {};
  for (const [name, h] of Object.entries(handlers as unknown as Record<string, (call: object, ...rest: unknown[]) => unknown>)) {
    out[name] = ((call: object, ...rest: unknown[]) => {
      localCalls.add(call);
      return h(call, ...rest);
    }) as grpc.UntypedHandleCall;
  }
  return out;
}

export interface AdminServiceDeps {
  adminFingerprints: () => Set<string>;
  tokens: TokenStore;
  registry: NodeRegistry;
  nats: NatsAccess;
  /** Builds the one-liner for a full join token. */
  oneLiner: (joinToken: string) => string;
  caHash: string;
  live: LiveDeps;
  runs: Omit<RunServiceDeps, 'live' | 'log'>;
  log: Logger;
}

export function reportToWire(r: Report): PrecheckReport {
  return {
    summary: r.summary,
    results: r.results.map((x) => ({ id: x.id, status: x.status, severity: x.severity, message: x.message, ...(x.host !== null && { host: x.host }) })),
    evaluatedAtMs: Date.now(),
  };
}

const MAX_TTL_S = 365 * 24 * 3600;

export function adminServiceHandlers(deps: AdminServiceDeps, sessions: AgentSessions): AdminServiceHandlers {
  const { tokens, registry, log } = deps;

  const requireAdmin = (call: Parameters<typeof peerFingerprint>[0]) => {
    if (localCalls.has(call)) return;
    const fp = peerFingerprint(call);
    if (!fp || !deps.adminFingerprints().has(fp)) {
      throw new CallRefused(grpc.status.PERMISSION_DENIED, 'operator commands need the admin credential (see --data-dir / --credentials)');
    }
  };

  const tokenInfo = (t: TokenRecord): TokenInfo => ({
    id: t.id,
    createdAtMs: t.createdAtMs,
    expiresAtMs: t.expiresAtMs,
    usesAllowed: t.usesAllowed,
    usesCount: t.usesCount,
    revoked: t.revoked,
    description: t.description,
    status: tokens.status(t),
  });

  const nodeInfo = (n: NodeRecord): NodeInfo => {
    const stored = registry.getFacts(n.name);
    const f = stored?.facts;
    const ips = (f?.interfaces ?? [])
      .filter((i) => i.name !== 'lo')
      .flatMap((i) => i.addresses.filter((a) => !a.address.startsWith('fe80:') && a.address !== '127.0.0.1' && a.address !== '::1').map((a) => a.address));
    return {
      name: n.name,
      machineId: n.machineId,
      internalIps: ips,
      os: f?.os?.prettyName ?? f?.os?.id ?? '',
      arch: f?.os?.architecture ?? '',
      kernel: f?.os?.kernelVersion ?? '',
      cpuCount: f?.cpu?.count ?? 0,
      memoryBytes: f?.memory?.totalBytes ?? 0,
      connected: registry.isConnected(n.name),
      lastSeenMs: registry.lastSeenMs(n.name),
      enrolledAtMs: n.enrolledAtMs,
      certificateSerial: n.certSerial,
      agentVersion: n.agentVersion,
      clockOffsetMs: stored?.clockOffsetMs ?? 0,
    };
  };

  // Wraps a handler so every call is authorised and every failure becomes a gRPC status.
  function unary<Req, Res>(fn: (req: Req) => Res | Promise<Res>) {
    return answersItself(async (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => {
      try {
        requireAdmin(call);
        callback(null, await fn(call.request));
      } catch (err) {
        callback(toServiceError(err));
      }
    });
  }

  return {
    ...runServiceHandlers({ ...deps.runs, live: deps.live, log: log.child({ component: 'runs' }) }, requireAdmin),
    CreateToken: unary(async (req) => {
      if (req.ttlSeconds > MAX_TTL_S) throw new CallRefused(grpc.status.INVALID_ARGUMENT, 'ttl is longer than a year');
      const { record, token } = tokens.create({ ttlMs: req.ttlSeconds * 1000, uses: req.uses, description: req.description.slice(0, 200) });
      await tokens.flushed();
      const joinToken = `${deps.caHash}::${token}`;
      log.info({ token: record.id, ttlSeconds: req.ttlSeconds, uses: req.uses }, 'bootstrap token created');
      return { ...tokenInfo(record), token: joinToken, oneLiner: deps.oneLiner(joinToken) };
    }),
    ListTokens: unary(() => ({ tokens: tokens.list().map(tokenInfo) })),
    RevokeToken: unary(async (req) => {
      const t = tokens.revoke(req.id);
      if (!t) throw new CallRefused(grpc.status.NOT_FOUND, `no token with id "${req.id}"`);
      await tokens.flushed();
      log.info({ token: t.id }, 'bootstrap token revoked');
      return tokenInfo(t);
    }),
    ListNodes: unary(() => ({
      nodes: registry
        .list()
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(nodeInfo),
      coordinatorTimeMs: Date.now(),
    })),
    GetFacts: unary((req) => {
      if (!registry.get(req.name)) throw new CallRefused(grpc.status.NOT_FOUND, `no enrolled node "${req.name}" (see: kk-coordinator nodes)`);
      const stored = registry.getFacts(req.name);
      if (!stored) throw new CallRefused(grpc.status.NOT_FOUND, `node "${req.name}" has not reported facts yet`);
      return { facts: factSetToWire(stored.facts), receivedAtMs: stored.receivedAtMs, clockOffsetMs: stored.clockOffsetMs };
    }),
    RemoveNode: unary(async (req) => {
      const existing = registry.get(req.name);
      if (!existing) throw new CallRefused(grpc.status.NOT_FOUND, `no enrolled node "${req.name}"`);
      const info = nodeInfo(existing);
      registry.remove(req.name);
      await registry.flushed();
      sessions.disconnect(req.name);
      await deps.nats.syncNodes(registry.list());
      log.info({ node: req.name }, 'node removed: certificate and NATS user revoked');
      return info;
    }),
    Precheck: answersItself(async (call: grpc.ServerWritableStream<PrecheckRequest__Output, PrecheckEvent>) => {
      try {
        requireAdmin(call);
        const r = call.request;
        let model;
        try {
          model = loadClusterFromText(
            { name: r.inventoryName || 'inventory.yaml', text: r.inventoryYaml },
            r.configName ? { name: r.configName, text: r.configYaml } : null,
          );
        } catch (err) {
          throw new CallRefused(grpc.status.INVALID_ARGUMENT, (err as Error).message);
        }
        let gone = false;
        call.on('cancelled', () => {
          gone = true;
        });
        log.info({ hosts: model.hosts.length, watch: r.watch }, 'live precheck');
        await runLivePrecheck(
          deps.live,
          {
            model,
            skip: r.skip,
            ignoreErrors: r.ignoreErrors,
            workDir: r.workDir || process.cwd(),
            watch: r.watch,
            watchIntervalMs: Math.max(1000, r.watchIntervalMs || 5000),
          },
          {
            progress: (line) => {
              if (!gone) call.write({ progress: line });
            },
            report: (rep) => {
              if (!gone) call.write({ report: reportToWire(rep) });
            },
            cancelled: () => gone,
          },
        );
        call.end();
      } catch (err) {
        const e = err instanceof UserError ? new CallRefused(grpc.status.INVALID_ARGUMENT, err.message) : err;
        call.emit('error', toServiceError(e));
      }
    }),
    RefreshFacts: unary(async (req) => {
      const names = req.names.length ? req.names : registry.list().map((n) => n.name);
      const r = await sessions.refresh(names, req.fioDirectory, Math.min(req.timeoutMs || 10_000, 600_000));
      return { refreshed: r.refreshed, failed: r.failed };
    }),
  };
}
