import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminServiceClient as _kk_v1_AdminServiceClient, AdminServiceDefinition as _kk_v1_AdminServiceDefinition } from './kk/v1/AdminService';
import type { BlockDeviceFacts as _kk_v1_BlockDeviceFacts, BlockDeviceFacts__Output as _kk_v1_BlockDeviceFacts__Output } from './kk/v1/BlockDeviceFacts';
import type { CgroupFacts as _kk_v1_CgroupFacts, CgroupFacts__Output as _kk_v1_CgroupFacts__Output } from './kk/v1/CgroupFacts';
import type { CpuFacts as _kk_v1_CpuFacts, CpuFacts__Output as _kk_v1_CpuFacts__Output } from './kk/v1/CpuFacts';
import type { CreateClusterRequest as _kk_v1_CreateClusterRequest, CreateClusterRequest__Output as _kk_v1_CreateClusterRequest__Output } from './kk/v1/CreateClusterRequest';
import type { CreateTokenRequest as _kk_v1_CreateTokenRequest, CreateTokenRequest__Output as _kk_v1_CreateTokenRequest__Output } from './kk/v1/CreateTokenRequest';
import type { DefaultRoute as _kk_v1_DefaultRoute, DefaultRoute__Output as _kk_v1_DefaultRoute__Output } from './kk/v1/DefaultRoute';
import type { DiskFacts as _kk_v1_DiskFacts, DiskFacts__Output as _kk_v1_DiskFacts__Output } from './kk/v1/DiskFacts';
import type { FactSet as _kk_v1_FactSet, FactSet__Output as _kk_v1_FactSet__Output } from './kk/v1/FactSet';
import type { FioFacts as _kk_v1_FioFacts, FioFacts__Output as _kk_v1_FioFacts__Output } from './kk/v1/FioFacts';
import type { FioLatency as _kk_v1_FioLatency, FioLatency__Output as _kk_v1_FioLatency__Output } from './kk/v1/FioLatency';
import type { GetFactsRequest as _kk_v1_GetFactsRequest, GetFactsRequest__Output as _kk_v1_GetFactsRequest__Output } from './kk/v1/GetFactsRequest';
import type { GetFactsResponse as _kk_v1_GetFactsResponse, GetFactsResponse__Output as _kk_v1_GetFactsResponse__Output } from './kk/v1/GetFactsResponse';
import type { InterfaceAddress as _kk_v1_InterfaceAddress, InterfaceAddress__Output as _kk_v1_InterfaceAddress__Output } from './kk/v1/InterfaceAddress';
import type { InterfaceFacts as _kk_v1_InterfaceFacts, InterfaceFacts__Output as _kk_v1_InterfaceFacts__Output } from './kk/v1/InterfaceFacts';
import type { ListNodesRequest as _kk_v1_ListNodesRequest, ListNodesRequest__Output as _kk_v1_ListNodesRequest__Output } from './kk/v1/ListNodesRequest';
import type { ListNodesResponse as _kk_v1_ListNodesResponse, ListNodesResponse__Output as _kk_v1_ListNodesResponse__Output } from './kk/v1/ListNodesResponse';
import type { ListRunsRequest as _kk_v1_ListRunsRequest, ListRunsRequest__Output as _kk_v1_ListRunsRequest__Output } from './kk/v1/ListRunsRequest';
import type { ListTokensRequest as _kk_v1_ListTokensRequest, ListTokensRequest__Output as _kk_v1_ListTokensRequest__Output } from './kk/v1/ListTokensRequest';
import type { ListTokensResponse as _kk_v1_ListTokensResponse, ListTokensResponse__Output as _kk_v1_ListTokensResponse__Output } from './kk/v1/ListTokensResponse';
import type { ListeningPort as _kk_v1_ListeningPort, ListeningPort__Output as _kk_v1_ListeningPort__Output } from './kk/v1/ListeningPort';
import type { MemoryFacts as _kk_v1_MemoryFacts, MemoryFacts__Output as _kk_v1_MemoryFacts__Output } from './kk/v1/MemoryFacts';
import type { NodeInfo as _kk_v1_NodeInfo, NodeInfo__Output as _kk_v1_NodeInfo__Output } from './kk/v1/NodeInfo';
import type { NullableString as _kk_v1_NullableString, NullableString__Output as _kk_v1_NullableString__Output } from './kk/v1/NullableString';
import type { OsFacts as _kk_v1_OsFacts, OsFacts__Output as _kk_v1_OsFacts__Output } from './kk/v1/OsFacts';
import type { PathFacts as _kk_v1_PathFacts, PathFacts__Output as _kk_v1_PathFacts__Output } from './kk/v1/PathFacts';
import type { PrecheckEvent as _kk_v1_PrecheckEvent, PrecheckEvent__Output as _kk_v1_PrecheckEvent__Output } from './kk/v1/PrecheckEvent';
import type { PrecheckReport as _kk_v1_PrecheckReport, PrecheckReport__Output as _kk_v1_PrecheckReport__Output } from './kk/v1/PrecheckReport';
import type { PrecheckRequest as _kk_v1_PrecheckRequest, PrecheckRequest__Output as _kk_v1_PrecheckRequest__Output } from './kk/v1/PrecheckRequest';
import type { PrecheckResult as _kk_v1_PrecheckResult, PrecheckResult__Output as _kk_v1_PrecheckResult__Output } from './kk/v1/PrecheckResult';
import type { PrecheckSummary as _kk_v1_PrecheckSummary, PrecheckSummary__Output as _kk_v1_PrecheckSummary__Output } from './kk/v1/PrecheckSummary';
import type { ProgressEvent as _kk_v1_ProgressEvent, ProgressEvent__Output as _kk_v1_ProgressEvent__Output } from './kk/v1/ProgressEvent';
import type { RefreshFactsRequest as _kk_v1_RefreshFactsRequest, RefreshFactsRequest__Output as _kk_v1_RefreshFactsRequest__Output } from './kk/v1/RefreshFactsRequest';
import type { RefreshFactsResponse as _kk_v1_RefreshFactsResponse, RefreshFactsResponse__Output as _kk_v1_RefreshFactsResponse__Output } from './kk/v1/RefreshFactsResponse';
import type { RemoveNodeRequest as _kk_v1_RemoveNodeRequest, RemoveNodeRequest__Output as _kk_v1_RemoveNodeRequest__Output } from './kk/v1/RemoveNodeRequest';
import type { RevokeTokenRequest as _kk_v1_RevokeTokenRequest, RevokeTokenRequest__Output as _kk_v1_RevokeTokenRequest__Output } from './kk/v1/RevokeTokenRequest';
import type { RunCommandRequest as _kk_v1_RunCommandRequest, RunCommandRequest__Output as _kk_v1_RunCommandRequest__Output } from './kk/v1/RunCommandRequest';
import type { RunEvent as _kk_v1_RunEvent, RunEvent__Output as _kk_v1_RunEvent__Output } from './kk/v1/RunEvent';
import type { RunFinished as _kk_v1_RunFinished, RunFinished__Output as _kk_v1_RunFinished__Output } from './kk/v1/RunFinished';
import type { RunLogsRequest as _kk_v1_RunLogsRequest, RunLogsRequest__Output as _kk_v1_RunLogsRequest__Output } from './kk/v1/RunLogsRequest';
import type { ServiceFacts as _kk_v1_ServiceFacts, ServiceFacts__Output as _kk_v1_ServiceFacts__Output } from './kk/v1/ServiceFacts';
import type { ShowRunRequest as _kk_v1_ShowRunRequest, ShowRunRequest__Output as _kk_v1_ShowRunRequest__Output } from './kk/v1/ShowRunRequest';
import type { TextResponse as _kk_v1_TextResponse, TextResponse__Output as _kk_v1_TextResponse__Output } from './kk/v1/TextResponse';
import type { TimeFacts as _kk_v1_TimeFacts, TimeFacts__Output as _kk_v1_TimeFacts__Output } from './kk/v1/TimeFacts';
import type { TokenInfo as _kk_v1_TokenInfo, TokenInfo__Output as _kk_v1_TokenInfo__Output } from './kk/v1/TokenInfo';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kk: {
    v1: {
      AdminService: SubtypeConstructor<typeof grpc.Client, _kk_v1_AdminServiceClient> & { service: _kk_v1_AdminServiceDefinition }
      BlockDeviceFacts: MessageTypeDefinition<_kk_v1_BlockDeviceFacts, _kk_v1_BlockDeviceFacts__Output>
      CgroupFacts: MessageTypeDefinition<_kk_v1_CgroupFacts, _kk_v1_CgroupFacts__Output>
      CpuFacts: MessageTypeDefinition<_kk_v1_CpuFacts, _kk_v1_CpuFacts__Output>
      CreateClusterRequest: MessageTypeDefinition<_kk_v1_CreateClusterRequest, _kk_v1_CreateClusterRequest__Output>
      CreateTokenRequest: MessageTypeDefinition<_kk_v1_CreateTokenRequest, _kk_v1_CreateTokenRequest__Output>
      DefaultRoute: MessageTypeDefinition<_kk_v1_DefaultRoute, _kk_v1_DefaultRoute__Output>
      DiskFacts: MessageTypeDefinition<_kk_v1_DiskFacts, _kk_v1_DiskFacts__Output>
      FactSet: MessageTypeDefinition<_kk_v1_FactSet, _kk_v1_FactSet__Output>
      FioFacts: MessageTypeDefinition<_kk_v1_FioFacts, _kk_v1_FioFacts__Output>
      FioLatency: MessageTypeDefinition<_kk_v1_FioLatency, _kk_v1_FioLatency__Output>
      GetFactsRequest: MessageTypeDefinition<_kk_v1_GetFactsRequest, _kk_v1_GetFactsRequest__Output>
      GetFactsResponse: MessageTypeDefinition<_kk_v1_GetFactsResponse, _kk_v1_GetFactsResponse__Output>
      InterfaceAddress: MessageTypeDefinition<_kk_v1_InterfaceAddress, _kk_v1_InterfaceAddress__Output>
      InterfaceFacts: MessageTypeDefinition<_kk_v1_InterfaceFacts, _kk_v1_InterfaceFacts__Output>
      ListNodesRequest: MessageTypeDefinition<_kk_v1_ListNodesRequest, _kk_v1_ListNodesRequest__Output>
      ListNodesResponse: MessageTypeDefinition<_kk_v1_ListNodesResponse, _kk_v1_ListNodesResponse__Output>
      ListRunsRequest: MessageTypeDefinition<_kk_v1_ListRunsRequest, _kk_v1_ListRunsRequest__Output>
      ListTokensRequest: MessageTypeDefinition<_kk_v1_ListTokensRequest, _kk_v1_ListTokensRequest__Output>
      ListTokensResponse: MessageTypeDefinition<_kk_v1_ListTokensResponse, _kk_v1_ListTokensResponse__Output>
      ListeningPort: MessageTypeDefinition<_kk_v1_ListeningPort, _kk_v1_ListeningPort__Output>
      MemoryFacts: MessageTypeDefinition<_kk_v1_MemoryFacts, _kk_v1_MemoryFacts__Output>
      NodeInfo: MessageTypeDefinition<_kk_v1_NodeInfo, _kk_v1_NodeInfo__Output>
      NullableString: MessageTypeDefinition<_kk_v1_NullableString, _kk_v1_NullableString__Output>
      OsFacts: MessageTypeDefinition<_kk_v1_OsFacts, _kk_v1_OsFacts__Output>
      PathFacts: MessageTypeDefinition<_kk_v1_PathFacts, _kk_v1_PathFacts__Output>
      PrecheckEvent: MessageTypeDefinition<_kk_v1_PrecheckEvent, _kk_v1_PrecheckEvent__Output>
      PrecheckReport: MessageTypeDefinition<_kk_v1_PrecheckReport, _kk_v1_PrecheckReport__Output>
      PrecheckRequest: MessageTypeDefinition<_kk_v1_PrecheckRequest, _kk_v1_PrecheckRequest__Output>
      PrecheckResult: MessageTypeDefinition<_kk_v1_PrecheckResult, _kk_v1_PrecheckResult__Output>
      PrecheckSummary: MessageTypeDefinition<_kk_v1_PrecheckSummary, _kk_v1_PrecheckSummary__Output>
      ProgressEvent: MessageTypeDefinition<_kk_v1_ProgressEvent, _kk_v1_ProgressEvent__Output>
      ProgressKind: EnumTypeDefinition
      RefreshFactsRequest: MessageTypeDefinition<_kk_v1_RefreshFactsRequest, _kk_v1_RefreshFactsRequest__Output>
      RefreshFactsResponse: MessageTypeDefinition<_kk_v1_RefreshFactsResponse, _kk_v1_RefreshFactsResponse__Output>
      RemoveNodeRequest: MessageTypeDefinition<_kk_v1_RemoveNodeRequest, _kk_v1_RemoveNodeRequest__Output>
      RevokeTokenRequest: MessageTypeDefinition<_kk_v1_RevokeTokenRequest, _kk_v1_RevokeTokenRequest__Output>
      RunCommandRequest: MessageTypeDefinition<_kk_v1_RunCommandRequest, _kk_v1_RunCommandRequest__Output>
      RunEvent: MessageTypeDefinition<_kk_v1_RunEvent, _kk_v1_RunEvent__Output>
      RunFinished: MessageTypeDefinition<_kk_v1_RunFinished, _kk_v1_RunFinished__Output>
      RunLogsRequest: MessageTypeDefinition<_kk_v1_RunLogsRequest, _kk_v1_RunLogsRequest__Output>
      ServiceFacts: MessageTypeDefinition<_kk_v1_ServiceFacts, _kk_v1_ServiceFacts__Output>
      ShowRunRequest: MessageTypeDefinition<_kk_v1_ShowRunRequest, _kk_v1_ShowRunRequest__Output>
      TaskState: EnumTypeDefinition
      TextResponse: MessageTypeDefinition<_kk_v1_TextResponse, _kk_v1_TextResponse__Output>
      TimeFacts: MessageTypeDefinition<_kk_v1_TimeFacts, _kk_v1_TimeFacts__Output>
      TokenInfo: MessageTypeDefinition<_kk_v1_TokenInfo, _kk_v1_TokenInfo__Output>
    }
  }
}

