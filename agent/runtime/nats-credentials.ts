// The node's NATS credentials after enrolment: a user JWT from the coordinator (over the mTLS
// gRPC channel) for the nkey the node generated. Used by the agent, and the fleet simulator, when
// the state holds no JWT (a data dir from before NATS used JWTs) or the server refuses the one it
// holds (e.g. the coordinator's NATS keys were recreated).
import type * as grpc from '@grpc/grpc-js';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';
import { KK_VERSION } from '../../shared/version';

export class NatsCredentialsError extends Error {
  constructor(
    message: string,
    readonly grpcError?: grpc.ServiceError,
  ) {
    super(message);
  }
}

export function fetchNatsJwt(client: AgentServiceClient, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    client.NatsCredentials({ agentVersion: KK_VERSION }, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) reject(new NatsCredentialsError(`cannot get NATS credentials: ${err.details || err.message}`, err));
      else if (!res?.natsUserJwt) reject(new NatsCredentialsError('the coordinator sent no NATS credentials'));
      else resolve(res.natsUserJwt);
    });
  });
}

/** The server refused our credentials (a stale JWT, or none): worth fetching a fresh JWT. */
export function isNatsAuthError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === 'AUTHORIZATION_VIOLATION' || e.code === 'AUTHENTICATION_EXPIRED') return true;
  return typeof e.message === 'string' && /authorization violation|authentication (expired|revoked)/i.test(e.message);
}
