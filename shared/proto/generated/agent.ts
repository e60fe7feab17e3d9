import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentServiceClient as _kk_v1_AgentServiceClient, AgentServiceDefinition as _kk_v1_AgentServiceDefinition } from './kk/v1/AgentService';
import type { BlockDeviceFacts as _kk_v1_BlockDeviceFacts, BlockDeviceFacts__Output as _kk_v1_BlockDeviceFacts__Output } from './kk/v1/BlockDeviceFacts';
import type { CgroupFacts as _kk_v1_CgroupFacts, CgroupFacts__Output as _kk_v1_CgroupFacts__Output } from './kk/v1/CgroupFacts';
import type { CpuFacts as _kk_v1_CpuFacts, CpuFacts__Output as _kk_v1_CpuFacts__Output } from './kk/v1/CpuFacts';
import type { DefaultRoute as _kk_v1_DefaultRoute, DefaultRoute__Output as _kk_v1_DefaultRoute__Output } from './kk/v1/DefaultRoute';
import type { DiskFacts as _kk_v1_DiskFacts, DiskFacts__Output as _kk_v1_DiskFacts__Output } from './kk/v1/DiskFacts';
import type { EnrollRequest as _kk_v1_EnrollRequest, EnrollRequest__Output as _kk_v1_EnrollRequest__Output } from './kk/v1/EnrollRequest';
import type { EnrollResponse as _kk_v1_EnrollResponse, EnrollResponse__Output as _kk_v1_EnrollResponse__Output } from './kk/v1/EnrollResponse';
import type { FactSet as _kk_v1_FactSet, FactSet__Output as _kk_v1_FactSet__Output } from './kk/v1/FactSet';
import type { FioFacts as _kk_v1_FioFacts, FioFacts__Output as _kk_v1_FioFacts__Output } from './kk/v1/FioFacts';
import type { FioLatency as _kk_v1_FioLatency, FioLatency__Output as _kk_v1_FioLatency__Output } from './kk/v1/FioLatency';
import type { InterfaceAddress as _kk_v1_InterfaceAddress, InterfaceAddress__Output as _kk_v1_InterfaceAddress__Output } from './kk/v1/InterfaceAddress';
import type { InterfaceFacts as _kk_v1_InterfaceFacts, InterfaceFacts__Output as _kk_v1_InterfaceFacts__Output } from './kk/v1/InterfaceFacts';
import type { ListeningPort as _kk_v1_ListeningPort, ListeningPort__Output as _kk_v1_ListeningPort__Output } from './kk/v1/ListeningPort';
import type { MemoryFacts as _kk_v1_MemoryFacts, MemoryFacts__Output as _kk_v1_MemoryFacts__Output } from './kk/v1/MemoryFacts';
import type { NatsCredentialsRequest as _kk_v1_NatsCredentialsRequest, NatsCredentialsRequest__Output as _kk_v1_NatsCredentialsRequest__Output } from './kk/v1/NatsCredentialsRequest';
import type { NatsCredentialsResponse as _kk_v1_NatsCredentialsResponse, NatsCredentialsResponse__Output as _kk_v1_NatsCredentialsResponse__Output } from './kk/v1/NatsCredentialsResponse';
import type { NullableString as _kk_v1_NullableString, NullableString__Output as _kk_v1_NullableString__Output } from './kk/v1/NullableString';
import type { OsFacts as _kk_v1_OsFacts, OsFacts__Output as _kk_v1_OsFacts__Output } from './kk/v1/OsFacts';
import type { PathFacts as _kk_v1_PathFacts, PathFacts__Output as _kk_v1_PathFacts__Output } from './kk/v1/PathFacts';
import type { Ping as _kk_v1_Ping, Ping__Output as _kk_v1_Ping__Output } from './kk/v1/Ping';
import type { RefreshFacts as _kk_v1_RefreshFacts, RefreshFacts__Output as _kk_v1_RefreshFacts__Output } from './kk/v1/RefreshFacts';
import type { ReportFactsRequest as _kk_v1_ReportFactsRequest, ReportFactsRequest__Output as _kk_v1_ReportFactsRequest__Output } from './kk/v1/ReportFactsRequest';
import type { ReportFactsResponse as _kk_v1_ReportFactsResponse, ReportFactsResponse__Output as _kk_v1_ReportFactsResponse__Output } from './kk/v1/ReportFactsResponse';
import type { ServiceFacts as _kk_v1_ServiceFacts, ServiceFacts__Output as _kk_v1_ServiceFacts__Output } from './kk/v1/ServiceFacts';
import type { SessionEvent as _kk_v1_SessionEvent, SessionEvent__Output as _kk_v1_SessionEvent__Output } from './kk/v1/SessionEvent';
import type { SessionHello as _kk_v1_SessionHello, SessionHello__Output as _kk_v1_SessionHello__Output } from './kk/v1/SessionHello';
import type { TimeFacts as _kk_v1_TimeFacts, TimeFacts__Output as _kk_v1_TimeFacts__Output } from './kk/v1/TimeFacts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kk: {
    v1: {
      AgentService: SubtypeConstructor<typeof grpc.Client, _kk_v1_AgentServiceClient> & { service: _kk_v1_AgentServiceDefinition }
      BlockDeviceFacts: MessageTypeDefinition<_kk_v1_BlockDeviceFacts, _kk_v1_BlockDeviceFacts__Output>
      CgroupFacts: MessageTypeDefinition<_kk_v1_CgroupFacts, _kk_v1_CgroupFacts__Output>
      CpuFacts: MessageTypeDefinition<_kk_v1_CpuFacts, _kk_v1_CpuFacts__Output>
      DefaultRoute: MessageTypeDefinition<_kk_v1_DefaultRoute, _kk_v1_DefaultRoute__Output>
      DiskFacts: MessageTypeDefinition<_kk_v1_DiskFacts, _kk_v1_DiskFacts__Output>
      EnrollRequest: MessageTypeDefinition<_kk_v1_EnrollRequest, _kk_v1_EnrollRequest__Output>
      EnrollResponse: MessageTypeDefinition<_kk_v1_EnrollResponse, _kk_v1_EnrollResponse__Output>
      FactSet: MessageTypeDefinition<_kk_v1_FactSet, _kk_v1_FactSet__Output>
      FioFacts: MessageTypeDefinition<_kk_v1_FioFacts, _kk_v1_FioFacts__Output>
      FioLatency: MessageTypeDefinition<_kk_v1_FioLatency, _kk_v1_FioLatency__Output>
      InterfaceAddress: MessageTypeDefinition<_kk_v1_InterfaceAddress, _kk_v1_InterfaceAddress__Output>
      InterfaceFacts: MessageTypeDefinition<_kk_v1_InterfaceFacts, _kk_v1_InterfaceFacts__Output>
      ListeningPort: MessageTypeDefinition<_kk_v1_ListeningPort, _kk_v1_ListeningPort__Output>
      MemoryFacts: MessageTypeDefinition<_kk_v1_MemoryFacts, _kk_v1_MemoryFacts__Output>
      NatsCredentialsRequest: MessageTypeDefinition<_kk_v1_NatsCredentialsRequest, _kk_v1_NatsCredentialsRequest__Output>
      NatsCredentialsResponse: MessageTypeDefinition<_kk_v1_NatsCredentialsResponse, _kk_v1_NatsCredentialsResponse__Output>
      NullableString: MessageTypeDefinition<_kk_v1_NullableString, _kk_v1_NullableString__Output>
      OsFacts: MessageTypeDefinition<_kk_v1_OsFacts, _kk_v1_OsFacts__Output>
      PathFacts: MessageTypeDefinition<_kk_v1_PathFacts, _kk_v1_PathFacts__Output>
      Ping: MessageTypeDefinition<_kk_v1_Ping, _kk_v1_Ping__Output>
      RefreshFacts: MessageTypeDefinition<_kk_v1_RefreshFacts, _kk_v1_RefreshFacts__Output>
      ReportFactsRequest: MessageTypeDefinition<_kk_v1_ReportFactsRequest, _kk_v1_ReportFactsRequest__Output>
      ReportFactsResponse: MessageTypeDefinition<_kk_v1_ReportFactsResponse, _kk_v1_ReportFactsResponse__Output>
      ServiceFacts: MessageTypeDefinition<_kk_v1_ServiceFacts, _kk_v1_ServiceFacts__Output>
      SessionEvent: MessageTypeDefinition<_kk_v1_SessionEvent, _kk_v1_SessionEvent__Output>
      SessionHello: MessageTypeDefinition<_kk_v1_SessionHello, _kk_v1_SessionHello__Output>
      TimeFacts: MessageTypeDefinition<_kk_v1_TimeFacts, _kk_v1_TimeFacts__Output>
    }
  }
}

