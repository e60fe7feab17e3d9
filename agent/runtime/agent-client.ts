// The agent's AgentService client class: the lean client of shared/proto/lean-service.ts. An agent
// idles for months; building only the messages it exchanges (not the whole contract, as
// @grpc/proto-loader would, with reflection descriptors) keeps its resident memory down.
import type * as grpc from '@grpc/grpc-js';
import { leanClientClass } from '../../shared/proto/lean-service';
import type { AgentServiceClient } from '../../shared/proto/generated/kk/v1/AgentService';

type AgentClientClass = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ClientOptions) => AgentServiceClient;

export function agentClientClass(): AgentClientClass {
  return leanClientClass('AgentService') as unknown as AgentClientClass;
}
