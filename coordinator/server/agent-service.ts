// AgentService: enrolment (token + CSR → identity), fact reports and the session stream that
// tells the coordinator a node is connected and carries its refresh requests.
import * as grpc from '@grpc/grpc-js';
import { randomUUID } from 'node:crypto';
import type { AgentServiceHandlers } from '../../shared/proto/generated/kk/v1/AgentService';
import type { SessionEvent } from '../../shared/proto/generated/kk/v1/SessionEvent';
import type { SessionHello__Output } from '../../shared/proto/generated/kk/v1/SessionHello';
import type { CertificateAuthority } from '../pki/authority';
import { TokenRefused, type TokenStore } from '../tokens/tokens';
import { IdentityConflict, type NodeRegistry } from '../registry/nodes';
import { certFingerprint } from '../../shared/pki/x509';
import { nodeNameProblem } from '../../shared/names';
import { factSetFromWire } from '../../shared/facts/wire';
import { parseFactSet } from '../../shared/facts/schema';
import { commandSubject, nodeResultWildcard } from '../../shared/subjects';
import { CallRefused, answersItself, peerFingerprint, toServiceError } from './peer';
import type { EnrollRequest__Output } from '../../shared/proto/generated/kk/v1/EnrollRequest';
import type { EnrollResponse } from '../../shared/proto/generated/kk/v1/EnrollResponse';
import type { Logger } from '../../shared/log';

export interface NatsAccess {
  urls(): string[];
  /**
   * The node's NATS credentials: a user JWT for its nkey, limited to its own subjects. Needs no
   * change on the server. Throws UserError for a key that may not have one (revoked, the coordinator's).
   */
  userJwt(node: { name: string; nkeyPublic: string }): string;
  /**
   * `nodes` is the whole registry after a change: keys that dropped out of it (a removed node,
   * or the old key of a re-enrolled one) are revoked and their connections closed. Adding costs nothing.
   */
  syncNodes(nodes: { name: string; nkeyPublic: string }[]): Promise<void>;
}

export interface AgentServiceDeps {
  ca: CertificateAuthority;
  tokens: TokenStore;
  registry: NodeRegistry;
  nats: NatsAccess;
  commandSigningPublicKeyPem: string;
  factsIntervalSeconds: number;
  log: Logger;
}

const NKEY_USER_RE = /^U[A-Z2-7]{55}$/;
const MACHINE_ID_RE = /^[0-9a-f]{32}$/;

interface PendingRefresh {
  names: Set<string>;
  done: Set<string>;
  resolve: () => void;
}

export class AgentSessions {
  private readonly streams = new Map<string, grpc.ServerWritableStream<SessionHello__Output, SessionEvent>>();
  private readonly pending = new Map<string, PendingRefresh>();

  constructor(private readonly registry: NodeRegistry) {}

  attach(name: string, call: grpc.ServerWritableStream<SessionHello__Output, SessionEvent>): void {
    const previous = this.streams.get(name);
    if (previous && previous !== call) previous.end(); // the newer connection wins
    this.streams.set(name, call);
    this.registry.setConnected(name, true);
    const detach = () => {
      if (this.streams.get(name) === call) {
        this.streams.delete(name);
        this.registry.setConnected(name, false);
      }
    };
    call.on('cancelled', detach);
    call.on('close', detach);
    call.on('error', detach);
  }

  disconnect(name: string): void {
    this.streams.get(name)?.end();
    this.streams.delete(name);
  }

  pingAll(): void {
    const at = Date.now();
    for (const [name, call] of this.streams) {
      call.write({ ping: { coordinatorTimeMs: at } });
      this.registry.touch(name, at);
    }
  }

  /** Asks nodes for fresh facts; resolves with those that answered within the timeout. */
  async refresh(names: string[], fioDirectory: string, timeoutMs: number): Promise<{ refreshed: string[]; failed: Record<string, string> }> {
    const requestId = randomUUID();
    const failed: Record<string, string> = {};
    const asked = new Set<string>();
    for (const n of names) {
      const s = this.streams.get(n);
      if (!s) failed[n] = this.registry.get(n) ? 'agent not connected' : 'no such node';
      else {
        s.write({ refreshFacts: { requestId, fioDirectory } });
        asked.add(n);
      }
    }
    const entry: PendingRefresh = { names: asked, done: new Set(), resolve: () => {} };
    const finished = new Promise<void>((resolve) => {
      entry.resolve = resolve;
    });
    if (asked.size > 0) {
      this.pending.set(requestId, entry);
      const timer = setTimeout(() => entry.resolve(), timeoutMs);
      await finished;
      clearTimeout(timer);
      this.pending.delete(requestId);
    }
    for (const n of asked) if (!entry.done.has(n)) failed[n] = `no fresh facts within ${timeoutMs} ms`;
    return { refreshed: [...entry.done], failed };
  }

  answered(requestId: string, name: string): void {
    const p = this.pending.get(requestId);
    if (!p || !p.names.has(name)) return;
    p.done.add(name);
    if (p.done.size === p.names.size) p.resolve();
  }
}

export function agentServiceHandlers(deps: AgentServiceDeps, sessions: AgentSessions): AgentServiceHandlers {
  const { registry, log } = deps;

  const callerNode = (call: Parameters<typeof peerFingerprint>[0]) => {
    const fp = peerFingerprint(call);
    if (!fp) throw new CallRefused(grpc.status.UNAUTHENTICATED, 'a client certificate issued by this coordinator is required (enrol first)');
    const node = registry.byCertFingerprint(fp);
    if (!node) throw new CallRefused(grpc.status.PERMISSION_DENIED, 'this certificate belongs to no enrolled node (removed or re-enrolled elsewhere)');
    return node;
  };

  return {
    Enroll: answersItself(async (call: grpc.ServerUnaryCall<EnrollRequest__Output, EnrollResponse>, callback: grpc.sendUnaryData<EnrollResponse>) => {
      const r = call.request;
      const peer = call.getPeer();
      try {
        let token;
        const name = r.name.trim().toLowerCase();
        const nameProblem = nodeNameProblem(name);
        if (nameProblem) throw new CallRefused(grpc.status.INVALID_ARGUMENT, nameProblem);
        if (!MACHINE_ID_RE.test(r.machineId)) throw new CallRefused(grpc.status.INVALID_ARGUMENT, 'machineId must be the 32 hex digits of /etc/machine-id');
        if (!NKEY_USER_RE.test(r.natsPublicKey)) throw new CallRefused(grpc.status.INVALID_ARGUMENT, 'natsPublicKey is not a NATS user nkey');
        const keyHolder = registry.list().find((n) => n.nkeyPublic === r.natsPublicKey && n.name !== name);
        if (keyHolder) throw new CallRefused(grpc.status.INVALID_ARGUMENT, `natsPublicKey is already node ${keyHolder.name}'s; every node needs its own key`);
        try {
          token = deps.tokens.redeem(r.token, false);
          registry.checkIdentity(name, r.machineId, r.force);
        } catch (err) {
          if (err instanceof TokenRefused) throw new CallRefused(grpc.status.UNAUTHENTICATED, `enrolment refused: ${err.message}`);
          if (err instanceof IdentityConflict) throw new CallRefused(grpc.status.ALREADY_EXISTS, err.message);
          throw err;
        }
        let natsUserJwt: string;
        try {
          natsUserJwt = deps.nats.userJwt({ name, nkeyPublic: r.natsPublicKey });
        } catch (err) {
          throw new CallRefused(grpc.status.INVALID_ARGUMENT, (err as Error).message);
        }
        let issued;
        try {
          issued = await deps.ca.issueNodeFromCsr(r.csrPem, name);
        } catch (err) {
          throw new CallRefused(grpc.status.INVALID_ARGUMENT, (err as Error).message);
        }
        // Everything that can fail is computed before anything is recorded: a refused or broken
        // enrolment leaves the registry, the token's use count and NATS as they were.
        const response = {
          nodeName: name,
          certificatePem: issued.certificatePem,
          caPem: deps.ca.caPem,
          natsUrls: deps.nats.urls(),
          commandSigningPublicKeyPem: deps.commandSigningPublicKeyPem,
          commandSubject: commandSubject(name),
          resultSubjectPrefix: nodeResultWildcard(name).replace(/\.>$/, ''),
          factsIntervalSeconds: deps.factsIntervalSeconds,
          natsUserJwt,
        };
        const previous = registry.get(name);
        registry.upsert({
          name,
          machineId: r.machineId,
          certFingerprint: certFingerprint(issued.certificatePem),
          certSerial: issued.serial,
          nkeyPublic: r.natsPublicKey,
          enrolledAtMs: Date.now(),
          agentVersion: r.agentVersion.slice(0, 64),
          tokenId: token.id,
        });
        // Only a re-enrolment with a new key revokes anything (the old key); a new node costs the
        // NATS server nothing, its JWT is all it needs.
        try {
          await deps.nats.syncNodes(registry.list());
        } catch (err) {
          if (previous) registry.upsert(previous);
          else registry.remove(name);
          throw new CallRefused(grpc.status.UNAVAILABLE, `NATS is not ready, try again: ${(err as Error).message}`);
        }
        deps.tokens.redeem(r.token, true);
        await Promise.all([registry.flushed(), deps.tokens.flushed()]);
        sessions.disconnect(name);
        log.info({ node: name, peer, token: token.id, force: r.force, replaced: previous ? previous.machineId !== r.machineId : false }, 'node enrolled');
        callback(null, response);
      } catch (err) {
        log.warn({ peer, name: r.name.slice(0, 80), err: (err as Error).message }, 'enrolment refused');
        callback(toServiceError(err));
      }
    }),

    ReportFacts(call, callback) {
      const receivedAtMs = Date.now();
      try {
        const node = callerNode(call);
        if (!call.request.facts) throw new CallRefused(grpc.status.INVALID_ARGUMENT, 'facts missing');
        let facts;
        try {
          facts = parseFactSet(factSetFromWire(call.request.facts), `report from ${node.name}`);
        } catch (err) {
          throw new CallRefused(grpc.status.INVALID_ARGUMENT, (err as Error).message);
        }
        const halfRtt = Math.min(call.request.lastRoundTripMs, 60_000) / 2;
        const clockOffsetMs = facts.time ? Math.round(facts.time.epochMs - (receivedAtMs - halfRtt)) : 0;
        registry.putFacts(node.name, { facts, receivedAtMs, clockOffsetMs });
        if (call.request.requestId) sessions.answered(call.request.requestId, node.name);
        log.debug({ node: node.name, reason: call.request.reason }, 'facts received');
        callback(null, { receivedAtMs, clockOffsetMs });
      } catch (err) {
        callback(toServiceError(err));
      }
    },

    NatsCredentials(call, callback) {
      try {
        const node = callerNode(call);
        let natsUserJwt: string;
        try {
          natsUserJwt = deps.nats.userJwt({ name: node.name, nkeyPublic: node.nkeyPublic });
        } catch (err) {
          throw new CallRefused(grpc.status.FAILED_PRECONDITION, (err as Error).message);
        }
        log.info({ node: node.name, agentVersion: call.request.agentVersion.slice(0, 64) }, 'issued NATS credentials');
        callback(null, { natsUserJwt, natsUrls: deps.nats.urls() });
      } catch (err) {
        callback(toServiceError(err));
      }
    },

    Session(call) {
      let node;
      try {
        node = callerNode(call);
      } catch (err) {
        call.emit('error', toServiceError(err));
        return;
      }
      sessions.attach(node.name, call);
      registry.touch(node.name);
      log.info({ node: node.name }, 'agent connected');
      call.on('cancelled', () => log.info({ node: node.name }, 'agent disconnected'));
    },
  };
}
