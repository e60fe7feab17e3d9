// The agent's mTLS channel to the coordinator, shared by the real agent and the fleet simulator
// so both speak with the same keepalives and reconnect behaviour.
import * as grpc from '@grpc/grpc-js';
import { loadGrpc } from '../../shared/proto/index';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';
import { COORDINATOR_TLS_NAME } from '../../shared/pki/x509';
import type { AgentState } from './state';

export function agentChannel(s: AgentState): AgentServiceClient {
  const creds = grpc.credentials.createSsl(Buffer.from(s.caPem), Buffer.from(s.keyPem), Buffer.from(s.certPem));
  return new (loadGrpc().kk.v1.AgentService)(s.identity.grpcAddress, creds, {
    'grpc.ssl_target_name_override': COORDINATOR_TLS_NAME,
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.keepalive_permit_without_calls': 1,
    'grpc.initial_reconnect_backoff_ms': 1000,
    'grpc.max_reconnect_backoff_ms': 15_000,
  });
}
