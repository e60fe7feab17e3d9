// Original file: proto/kk/v1/admin.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateClusterRequest as _kk_v1_CreateClusterRequest, CreateClusterRequest__Output as _kk_v1_CreateClusterRequest__Output } from '../../kk/v1/CreateClusterRequest';
import type { CreateTokenRequest as _kk_v1_CreateTokenRequest, CreateTokenRequest__Output as _kk_v1_CreateTokenRequest__Output } from '../../kk/v1/CreateTokenRequest';
import type { GetFactsRequest as _kk_v1_GetFactsRequest, GetFactsRequest__Output as _kk_v1_GetFactsRequest__Output } from '../../kk/v1/GetFactsRequest';
import type { GetFactsResponse as _kk_v1_GetFactsResponse, GetFactsResponse__Output as _kk_v1_GetFactsResponse__Output } from '../../kk/v1/GetFactsResponse';
import type { ListNodesRequest as _kk_v1_ListNodesRequest, ListNodesRequest__Output as _kk_v1_ListNodesRequest__Output } from '../../kk/v1/ListNodesRequest';
import type { ListNodesResponse as _kk_v1_ListNodesResponse, ListNodesResponse__Output as _kk_v1_ListNodesResponse__Output } from '../../kk/v1/ListNodesResponse';
import type { ListRunsRequest as _kk_v1_ListRunsRequest, ListRunsRequest__Output as _kk_v1_ListRunsRequest__Output } from '../../kk/v1/ListRunsRequest';
import type { ListTokensRequest as _kk_v1_ListTokensRequest, ListTokensRequest__Output as _kk_v1_ListTokensRequest__Output } from '../../kk/v1/ListTokensRequest';
import type { ListTokensResponse as _kk_v1_ListTokensResponse, ListTokensResponse__Output as _kk_v1_ListTokensResponse__Output } from '../../kk/v1/ListTokensResponse';
import type { NodeInfo as _kk_v1_NodeInfo, NodeInfo__Output as _kk_v1_NodeInfo__Output } from '../../kk/v1/NodeInfo';
import type { PrecheckEvent as _kk_v1_PrecheckEvent, PrecheckEvent__Output as _kk_v1_PrecheckEvent__Output } from '../../kk/v1/PrecheckEvent';
import type { PrecheckRequest as _kk_v1_PrecheckRequest, PrecheckRequest__Output as _kk_v1_PrecheckRequest__Output } from '../../kk/v1/PrecheckRequest';
import type { RefreshFactsRequest as _kk_v1_RefreshFactsRequest, RefreshFactsRequest__Output as _kk_v1_RefreshFactsRequest__Output } from '../../kk/v1/RefreshFactsRequest';
import type { RefreshFactsResponse as _kk_v1_RefreshFactsResponse, RefreshFactsResponse__Output as _kk_v1_RefreshFactsResponse__Output } from '../../kk/v1/RefreshFactsResponse';
import type { RemoveNodeRequest as _kk_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _kk_v1_RemoveNodeRequest__Output } from '../../kk/v1/RemoveNodeRequest';
import type { RevokeTokenRequest as _kk_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _kk_v1_RevokeTokenRequest__Output } from '../../kk/v1/RevokeTokenRequest';
import type { RunCommandRequest as _kk_v1_RunCommandRequest, RunCommandRequest__Output as _kk_v1_RunCommandRequest__Output } from '../../kk/v1/RunCommandRequest';
import type { RunEvent as _kk_v1_RunEvent, RunEvent__Output as _kk_v1_RunEvent__Output } from '../../kk/v1/RunEvent';
import type { RunLogsRequest as _kk_v1_RunLogsRequest, RunLogsRequest__Output as _kk_v1_RunLogsRequest__Output } from '../../kk/v1/RunLogsRequest';
import type { ShowRunRequest as _kk_v1_ShowRunRequest, ShowRunRequest__Output as _kk_v1_ShowRunRequest__Output } from '../../kk/v1/ShowRunRequest';
import type { TextResponse as _kk_v1_TextResponse, TextResponse__Output as _kk_v1_TextResponse__Output } from '../../kk/v1/TextResponse';
import type { TokenInfo as _kk_v1_TokenInfo, TokenInfo__Output as _kk_v1_TokenInfo__Output } from '../../kk/v1/TokenInfo';

export interface AdminServiceClient extends grpc.Client {
  CreateCluster(argument: _kk_v1_CreateClusterRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  CreateCluster(argument: _kk_v1_CreateClusterRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  createCluster(argument: _kk_v1_CreateClusterRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  createCluster(argument: _kk_v1_CreateClusterRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  
  CreateToken(argument: _kk_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _kk_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _kk_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  CreateToken(argument: _kk_v1_CreateTokenRequest, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  createToken(argument: _kk_v1_CreateTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  createToken(argument: _kk_v1_CreateTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  createToken(argument: _kk_v1_CreateTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  createToken(argument: _kk_v1_CreateTokenRequest, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  
  DeleteCluster(argument: _kk_v1_CreateClusterRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  DeleteCluster(argument: _kk_v1_CreateClusterRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  deleteCluster(argument: _kk_v1_CreateClusterRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  deleteCluster(argument: _kk_v1_CreateClusterRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  
  GetFacts(argument: _kk_v1_GetFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  GetFacts(argument: _kk_v1_GetFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  GetFacts(argument: _kk_v1_GetFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  GetFacts(argument: _kk_v1_GetFactsRequest, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  getFacts(argument: _kk_v1_GetFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  getFacts(argument: _kk_v1_GetFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  getFacts(argument: _kk_v1_GetFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  getFacts(argument: _kk_v1_GetFactsRequest, callback: grpc.requestCallback<_kk_v1_GetFactsResponse__Output>): grpc.ClientUnaryCall;
  
  ListNodes(argument: _kk_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _kk_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _kk_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  ListNodes(argument: _kk_v1_ListNodesRequest, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _kk_v1_ListNodesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _kk_v1_ListNodesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _kk_v1_ListNodesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  listNodes(argument: _kk_v1_ListNodesRequest, callback: grpc.requestCallback<_kk_v1_ListNodesResponse__Output>): grpc.ClientUnaryCall;
  
  ListRuns(argument: _kk_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _kk_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _kk_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ListRuns(argument: _kk_v1_ListRunsRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _kk_v1_ListRunsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _kk_v1_ListRunsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _kk_v1_ListRunsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  listRuns(argument: _kk_v1_ListRunsRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  
  ListTokens(argument: _kk_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _kk_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _kk_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  ListTokens(argument: _kk_v1_ListTokensRequest, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _kk_v1_ListTokensRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _kk_v1_ListTokensRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _kk_v1_ListTokensRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  listTokens(argument: _kk_v1_ListTokensRequest, callback: grpc.requestCallback<_kk_v1_ListTokensResponse__Output>): grpc.ClientUnaryCall;
  
  Precheck(argument: _kk_v1_PrecheckRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_PrecheckEvent__Output>;
  Precheck(argument: _kk_v1_PrecheckRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_PrecheckEvent__Output>;
  precheck(argument: _kk_v1_PrecheckRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_PrecheckEvent__Output>;
  precheck(argument: _kk_v1_PrecheckRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_PrecheckEvent__Output>;
  
  RefreshFacts(argument: _kk_v1_RefreshFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  RefreshFacts(argument: _kk_v1_RefreshFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  RefreshFacts(argument: _kk_v1_RefreshFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  RefreshFacts(argument: _kk_v1_RefreshFactsRequest, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  refreshFacts(argument: _kk_v1_RefreshFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  refreshFacts(argument: _kk_v1_RefreshFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  refreshFacts(argument: _kk_v1_RefreshFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  refreshFacts(argument: _kk_v1_RefreshFactsRequest, callback: grpc.requestCallback<_kk_v1_RefreshFactsResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveNode(argument: _kk_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _kk_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _kk_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  RemoveNode(argument: _kk_v1_RemoveNodeRequest, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _kk_v1_RemoveNodeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _kk_v1_RemoveNodeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _kk_v1_RemoveNodeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  removeNode(argument: _kk_v1_RemoveNodeRequest, callback: grpc.requestCallback<_kk_v1_NodeInfo__Output>): grpc.ClientUnaryCall;
  
  RevokeToken(argument: _kk_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _kk_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _kk_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  RevokeToken(argument: _kk_v1_RevokeTokenRequest, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _kk_v1_RevokeTokenRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _kk_v1_RevokeTokenRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _kk_v1_RevokeTokenRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  revokeToken(argument: _kk_v1_RevokeTokenRequest, callback: grpc.requestCallback<_kk_v1_TokenInfo__Output>): grpc.ClientUnaryCall;
  
  RunCommand(argument: _kk_v1_RunCommandRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  RunCommand(argument: _kk_v1_RunCommandRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  runCommand(argument: _kk_v1_RunCommandRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  runCommand(argument: _kk_v1_RunCommandRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_RunEvent__Output>;
  
  RunLogs(argument: _kk_v1_RunLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  RunLogs(argument: _kk_v1_RunLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  RunLogs(argument: _kk_v1_RunLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  RunLogs(argument: _kk_v1_RunLogsRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  runLogs(argument: _kk_v1_RunLogsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  runLogs(argument: _kk_v1_RunLogsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  runLogs(argument: _kk_v1_RunLogsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  runLogs(argument: _kk_v1_RunLogsRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  
  ShowRun(argument: _kk_v1_ShowRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ShowRun(argument: _kk_v1_ShowRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ShowRun(argument: _kk_v1_ShowRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  ShowRun(argument: _kk_v1_ShowRunRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  showRun(argument: _kk_v1_ShowRunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  showRun(argument: _kk_v1_ShowRunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  showRun(argument: _kk_v1_ShowRunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  showRun(argument: _kk_v1_ShowRunRequest, callback: grpc.requestCallback<_kk_v1_TextResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminServiceHandlers extends grpc.UntypedServiceImplementation {
  CreateCluster: grpc.handleServerStreamingCall<_kk_v1_CreateClusterRequest__Output, _kk_v1_RunEvent>;
  
  CreateToken: grpc.handleUnaryCall<_kk_v1_CreateTokenRequest__Output, _kk_v1_TokenInfo>;
  
  DeleteCluster: grpc.handleServerStreamingCall<_kk_v1_CreateClusterRequest__Output, _kk_v1_RunEvent>;
  
  GetFacts: grpc.handleUnaryCall<_kk_v1_GetFactsRequest__Output, _kk_v1_GetFactsResponse>;
  
  ListNodes: grpc.handleUnaryCall<_kk_v1_ListNodesRequest__Output, _kk_v1_ListNodesResponse>;
  
  ListRuns: grpc.handleUnaryCall<_kk_v1_ListRunsRequest__Output, _kk_v1_TextResponse>;
  
  ListTokens: grpc.handleUnaryCall<_kk_v1_ListTokensRequest__Output, _kk_v1_ListTokensResponse>;
  
  Precheck: grpc.handleServerStreamingCall<_kk_v1_PrecheckRequest__Output, _kk_v1_PrecheckEvent>;
  
  RefreshFacts: grpc.handleUnaryCall<_kk_v1_RefreshFactsRequest__Output, _kk_v1_RefreshFactsResponse>;
  
  RemoveNode: grpc.handleUnaryCall<_kk_v1_RemoveNodeRequest__Output, _kk_v1_NodeInfo>;
  
  RevokeToken: grpc.handleUnaryCall<_kk_v1_RevokeTokenRequest__Output, _kk_v1_TokenInfo>;
  
  RunCommand: grpc.handleServerStreamingCall<_kk_v1_RunCommandRequest__Output, _kk_v1_RunEvent>;
  
  RunLogs: grpc.handleUnaryCall<_kk_v1_RunLogsRequest__Output, _kk_v1_TextResponse>;
  
  ShowRun: grpc.handleUnaryCall<_kk_v1_ShowRunRequest__Output, _kk_v1_TextResponse>;
  
}

export interface AdminServiceDefinition extends grpc.ServiceDefinition {
  CreateCluster: MethodDefinition<_kk_v1_CreateClusterRequest, _kk_v1_RunEvent, _kk_v1_CreateClusterRequest__Output, _kk_v1_RunEvent__Output>
  CreateToken: MethodDefinition<_kk_v1_CreateTokenRequest, _kk_v1_TokenInfo, _kk_v1_CreateTokenRequest__Output, _kk_v1_TokenInfo__Output>
  DeleteCluster: MethodDefinition<_kk_v1_CreateClusterRequest, _kk_v1_RunEvent, _kk_v1_CreateClusterRequest__Output, _kk_v1_RunEvent__Output>
  GetFacts: MethodDefinition<_kk_v1_GetFactsRequest, _kk_v1_GetFactsResponse, _kk_v1_GetFactsRequest__Output, _kk_v1_GetFactsResponse__Output>
  ListNodes: MethodDefinition<_kk_v1_ListNodesRequest, _kk_v1_ListNodesResponse, _kk_v1_ListNodesRequest__Output, _kk_v1_ListNodesResponse__Output>
  ListRuns: MethodDefinition<_kk_v1_ListRunsRequest, _kk_v1_TextResponse, _kk_v1_ListRunsRequest__Output, _kk_v1_TextResponse__Output>
  ListTokens: MethodDefinition<_kk_v1_ListTokensRequest, _kk_v1_ListTokensResponse, _kk_v1_ListTokensRequest__Output, _kk_v1_ListTokensResponse__Output>
  Precheck: MethodDefinition<_kk_v1_PrecheckRequest, _kk_v1_PrecheckEvent, _kk_v1_PrecheckRequest__Output, _kk_v1_PrecheckEvent__Output>
  RefreshFacts: MethodDefinition<_kk_v1_RefreshFactsRequest, _kk_v1_RefreshFactsResponse, _kk_v1_RefreshFactsRequest__Output, _kk_v1_RefreshFactsResponse__Output>
  RemoveNode: MethodDefinition<_kk_v1_RemoveNodeRequest, _kk_v1_NodeInfo, _kk_v1_RemoveNodeRequest__Output, _kk_v1_NodeInfo__Output>
  RevokeToken: MethodDefinition<_kk_v1_RevokeTokenRequest, _kk_v1_TokenInfo, _kk_v1_RevokeTokenRequest__Output, _kk_v1_TokenInfo__Output>
  RunCommand: MethodDefinition<_kk_v1_RunCommandRequest, _kk_v1_RunEvent, _kk_v1_RunCommandRequest__Output, _kk_v1_RunEvent__Output>
  RunLogs: MethodDefinition<_kk_v1_RunLogsRequest, _kk_v1_TextResponse, _kk_v1_RunLogsRequest__Output, _kk_v1_TextResponse__Output>
  ShowRun: MethodDefinition<_kk_v1_ShowRunRequest, _kk_v1_TextResponse, _kk_v1_ShowRunRequest__Output, _kk_v1_TextResponse__Output>
}
