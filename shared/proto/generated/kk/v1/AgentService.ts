// Original file: proto/kk/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { EnrollRequest as _kk_v1_EnrollRequest, EnrollRequest__Output as _kk_v1_EnrollRequest__Output } from '../../kk/v1/EnrollRequest';
import type { EnrollResponse as _kk_v1_EnrollResponse, EnrollResponse__Output as _kk_v1_EnrollResponse__Output } from '../../kk/v1/EnrollResponse';
import type { NatsCredentialsRequest as _kk_v1_NatsCredentialsRequest, NatsCredentialsRequest__Output as _kk_v1_NatsCredentialsRequest__Output } from '../../kk/v1/NatsCredentialsRequest';
import type { NatsCredentialsResponse as _kk_v1_NatsCredentialsResponse, NatsCredentialsResponse__Output as _kk_v1_NatsCredentialsResponse__Output } from '../../kk/v1/NatsCredentialsResponse';
import type { ReportFactsRequest as _kk_v1_ReportFactsRequest, ReportFactsRequest__Output as _kk_v1_ReportFactsRequest__Output } from '../../kk/v1/ReportFactsRequest';
import type { ReportFactsResponse as _kk_v1_ReportFactsResponse, ReportFactsResponse__Output as _kk_v1_ReportFactsResponse__Output } from '../../kk/v1/ReportFactsResponse';
import type { SessionEvent as _kk_v1_SessionEvent, SessionEvent__Output as _kk_v1_SessionEvent__Output } from '../../kk/v1/SessionEvent';
import type { SessionHello as _kk_v1_SessionHello, SessionHello__Output as _kk_v1_SessionHello__Output } from '../../kk/v1/SessionHello';

export interface AgentServiceClient extends grpc.Client {
  Enroll(argument: _kk_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _kk_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _kk_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  Enroll(argument: _kk_v1_EnrollRequest, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _kk_v1_EnrollRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _kk_v1_EnrollRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _kk_v1_EnrollRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  enroll(argument: _kk_v1_EnrollRequest, callback: grpc.requestCallback<_kk_v1_EnrollResponse__Output>): grpc.ClientUnaryCall;
  
  NatsCredentials(argument: _kk_v1_NatsCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  NatsCredentials(argument: _kk_v1_NatsCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  NatsCredentials(argument: _kk_v1_NatsCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  NatsCredentials(argument: _kk_v1_NatsCredentialsRequest, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  natsCredentials(argument: _kk_v1_NatsCredentialsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  natsCredentials(argument: _kk_v1_NatsCredentialsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  natsCredentials(argument: _kk_v1_NatsCredentialsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  natsCredentials(argument: _kk_v1_NatsCredentialsRequest, callback: grpc.requestCallback<_kk_v1_NatsCredentialsResponse__Output>): grpc.ClientUnaryCall;
  
  ReportFacts(argument: _kk_v1_ReportFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  ReportFacts(argument: _kk_v1_ReportFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  ReportFacts(argument: _kk_v1_ReportFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  ReportFacts(argument: _kk_v1_ReportFactsRequest, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  reportFacts(argument: _kk_v1_ReportFactsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  reportFacts(argument: _kk_v1_ReportFactsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  reportFacts(argument: _kk_v1_ReportFactsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  reportFacts(argument: _kk_v1_ReportFactsRequest, callback: grpc.requestCallback<_kk_v1_ReportFactsResponse__Output>): grpc.ClientUnaryCall;
  
  Session(argument: _kk_v1_SessionHello, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_SessionEvent__Output>;
  Session(argument: _kk_v1_SessionHello, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_SessionEvent__Output>;
  session(argument: _kk_v1_SessionHello, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_SessionEvent__Output>;
  session(argument: _kk_v1_SessionHello, options?: grpc.CallOptions): grpc.ClientReadableStream<_kk_v1_SessionEvent__Output>;
  
}

export interface AgentServiceHandlers extends grpc.UntypedServiceImplementation {
  Enroll: grpc.handleUnaryCall<_kk_v1_EnrollRequest__Output, _kk_v1_EnrollResponse>;
  
  NatsCredentials: grpc.handleUnaryCall<_kk_v1_NatsCredentialsRequest__Output, _kk_v1_NatsCredentialsResponse>;
  
  ReportFacts: grpc.handleUnaryCall<_kk_v1_ReportFactsRequest__Output, _kk_v1_ReportFactsResponse>;
  
  Session: grpc.handleServerStreamingCall<_kk_v1_SessionHello__Output, _kk_v1_SessionEvent>;
  
}

export interface AgentServiceDefinition extends grpc.ServiceDefinition {
  Enroll: MethodDefinition<_kk_v1_EnrollRequest, _kk_v1_EnrollResponse, _kk_v1_EnrollRequest__Output, _kk_v1_EnrollResponse__Output>
  NatsCredentials: MethodDefinition<_kk_v1_NatsCredentialsRequest, _kk_v1_NatsCredentialsResponse, _kk_v1_NatsCredentialsRequest__Output, _kk_v1_NatsCredentialsResponse__Output>
  ReportFacts: MethodDefinition<_kk_v1_ReportFactsRequest, _kk_v1_ReportFactsResponse, _kk_v1_ReportFactsRequest__Output, _kk_v1_ReportFactsResponse__Output>
  Session: MethodDefinition<_kk_v1_SessionHello, _kk_v1_SessionEvent, _kk_v1_SessionHello__Output, _kk_v1_SessionEvent__Output>
}
