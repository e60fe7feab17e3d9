// The agent's connections to the coordinator — the mTLS gRPC channel and the NATS connection —
// shared by the real agent and the fleet simulator so both behave the same on the wire.
import * as grpc from '@grpc/grpc-js';
import { agentClientClass } from './agent-client';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';
import { COORDINATOR_TLS_NAME } from '../../shared/pki/tls-name';
import type { Authenticator, ConnectionOptions } from 'nats';
import { nativeNkeyAuthenticator } from '../../shared/nats/nkey-native';
import { nodeInboxPrefix } from '../../shared/subjects';
import type { AgentState } from './state';

export function agentChannel(s: AgentState): AgentServiceClient {
  const creds = grpc.credentials.createSsl(Buffer.from(s.caPem), Buffer.from(s.keyPem), Buffer.from(s.certPem));
  return new (agentClientClass())(s.identity.grpcAddress, creds, {
    'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME,
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 1000,
    'grpc.max_reconnect_backoff_ms': 15_000,
  });
}

/**
 * Proves the node's identity to nats-server: its user JWT signed over the server's nonce with its
 * own seed. The JWT is read at every (re)connect, so one fetched later applies to the next attempt.
 * Without a JWT (a coordinator older than JWT auth) it falls back to the bare nkey.
 */
export function agentNatsAuthenticator(s: AgentState): Authenticator {
  return nativeNkeyAuthenticator(s.natsSeed, () => s.natsJwt || undefined);
}

/** NATS as this node: its JWT and nkey, the coordinator CA, its private inbox; reconnects forever. */
export function agentNatsOptions(s: AgentState, timeoutMs = 10_000): ConnectionOptions {
  const id = s.identity;
  return {
    servers: id.natsUrls,
    authenticator: agentNatsAuthenticator(s),
    tls: { ca: s.caPem },
    name: `kk-agent ${id.nodeName}`,
    inboxPrefix: nodeInboxPrefix(id.nodeName),
    reconnect: true,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 2000,
    reconnectJitter: 1000,
    timeout: timeoutMs,
  };
}
