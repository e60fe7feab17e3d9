// The operator CLI's view of the coordinator's AdminService, whatever carries it: the local admin
// socket (admin-socket.ts) or mTLS gRPC to a remote coordinator (admin-grpc.ts). Commands call
// methods by name with the generated request/response types; errors carry gRPC status codes.
import type { CreateClusterRequest } from '../../../shared/proto/generated/kk/v1/CreateClusterRequest';
import type { CreateTokenRequest } from '../../../shared/proto/generated/kk/v1/CreateTokenRequest';
import type { GetFactsRequest } from '../../../shared/proto/generated/kk/v1/GetFactsRequest';
import type { GetFactsResponse__Output } from '../../../shared/proto/generated/kk/v1/GetFactsResponse';
import type { ListNodesRequest } from '../../../shared/proto/generated/kk/v1/ListNodesRequest';
import type { ListNodesResponse__Output } from '../../../shared/proto/generated/kk/v1/ListNodesResponse';
import type { ListRunsRequest } from '../../../shared/proto/generated/kk/v1/ListRunsRequest';
import type { ListTokensRequest } from '../../../shared/proto/generated/kk/v1/ListTokensRequest';
import type { ListTokensResponse__Output } from '../../../shared/proto/generated/kk/v1/ListTokensResponse';
import type { NodeInfo__Output } from '../../../shared/proto/generated/kk/v1/NodeInfo';
import type { PrecheckEvent__Output } from '../../../shared/proto/generated/kk/v1/PrecheckEvent';
import type { PrecheckRequest } from '../../../shared/proto/generated/kk/v1/PrecheckRequest';
import type { RefreshFactsRequest } from '../../../shared/proto/generated/kk/v1/RefreshFactsRequest';
import type { RefreshFactsResponse__Output } from '../../../shared/proto/generated/kk/v1/RefreshFactsResponse';
import type { RemoveNodeRequest } from '../../../shared/proto/generated/kk/v1/RemoveNodeRequest';
import type { RevokeTokenRequest } from '../../../shared/proto/generated/kk/v1/RevokeTokenRequest';
import type { RunCommandRequest } from '../../../shared/proto/generated/kk/v1/RunCommandRequest';
import type { RunEvent__Output } from '../../../shared/proto/generated/kk/v1/RunEvent';
import type { RunLogsRequest } from '../../../shared/proto/generated/kk/v1/RunLogsRequest';
import type { ShowRunRequest } from '../../../shared/proto/generated/kk/v1/ShowRunRequest';
import type { TextResponse__Output } from '../../../shared/proto/generated/kk/v1/TextResponse';
import type { TokenInfo__Output } from '../../../shared/proto/generated/kk/v1/TokenInfo';

/** Request and response of each unary AdminService method. */
export interface AdminUnaryMethods {
  CreateToken: [CreateTokenRequest, TokenInfo__Output];
  ListTokens: [ListTokensRequest, ListTokensResponse__Output];
  RevokeToken: [RevokeTokenRequest, TokenInfo__Output];
  ListNodes: [ListNodesRequest, ListNodesResponse__Output];
  GetFacts: [GetFactsRequest, GetFactsResponse__Output];
  RemoveNode: [RemoveNodeRequest, NodeInfo__Output];
  RefreshFacts: [RefreshFactsRequest, RefreshFactsResponse__Output];
  ListRuns: [ListRunsRequest, TextResponse__Output];
  ShowRun: [ShowRunRequest, TextResponse__Output];
  RunLogs: [RunLogsRequest, TextResponse__Output];
}

/** Request and streamed event of each server-streaming AdminService method. */
export interface AdminStreamMethods {
  Precheck: [PrecheckRequest, PrecheckEvent__Output];
  CreateCluster: [CreateClusterRequest, RunEvent__Output];
  DeleteCluster: [CreateClusterRequest, RunEvent__Output];
  RunCommand: [RunCommandRequest, RunEvent__Output];
}

/** A failed call: the gRPC status code (shared/proto/grpc-status.ts) and the server's message. */
export class AdminCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
  ) {
    super(details);
    this.name = 'AdminCallError';
  }
}

/** A server stream: 'data' per event, then exactly one of 'end' or 'error'. */
export interface AdminStream<T> {
  on(event: 'data', listener: (message: T) => void): this;
  on(event: 'error', listener: (err: AdminCallError) => void): this;
  on(event: 'end', listener: () => void): this;
  /** Stops the call; the coordinator sees it cancelled and 'error' follows with CANCELLED. */
  cancel(): void;
}

export interface Admin {
  /** Where the coordinator is, for messages: host:port or unix:<path>. */
  readonly address: string;
  /** Calls a unary method; rejects with AdminCallError. */
  unary<K extends keyof AdminUnaryMethods>(method: K, request: AdminUnaryMethods[K][0], timeoutMs: number): Promise<AdminUnaryMethods[K][1]>;
  stream<K extends keyof AdminStreamMethods>(method: K, request: AdminStreamMethods[K][0]): AdminStream<AdminStreamMethods[K][1]>;
  close(): void;
}
