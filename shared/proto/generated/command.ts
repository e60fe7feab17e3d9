import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { CancelCommand as _kk_v1_CancelCommand, CancelCommand__Output as _kk_v1_CancelCommand__Output } from './kk/v1/CancelCommand';
import type { Command as _kk_v1_Command, Command__Output as _kk_v1_Command__Output } from './kk/v1/Command';
import type { CommandAccepted as _kk_v1_CommandAccepted, CommandAccepted__Output as _kk_v1_CommandAccepted__Output } from './kk/v1/CommandAccepted';
import type { CommandResult as _kk_v1_CommandResult, CommandResult__Output as _kk_v1_CommandResult__Output } from './kk/v1/CommandResult';
import type { ExecCommand as _kk_v1_ExecCommand, ExecCommand__Output as _kk_v1_ExecCommand__Output } from './kk/v1/ExecCommand';
import type { FetchCommand as _kk_v1_FetchCommand, FetchCommand__Output as _kk_v1_FetchCommand__Output } from './kk/v1/FetchCommand';
import type { OutputChunk as _kk_v1_OutputChunk, OutputChunk__Output as _kk_v1_OutputChunk__Output } from './kk/v1/OutputChunk';
import type { ProbeCommand as _kk_v1_ProbeCommand, ProbeCommand__Output as _kk_v1_ProbeCommand__Output } from './kk/v1/ProbeCommand';
import type { RefreshFactsCommand as _kk_v1_RefreshFactsCommand, RefreshFactsCommand__Output as _kk_v1_RefreshFactsCommand__Output } from './kk/v1/RefreshFactsCommand';
import type { ServiceCommand as _kk_v1_ServiceCommand, ServiceCommand__Output as _kk_v1_ServiceCommand__Output } from './kk/v1/ServiceCommand';
import type { SignedCommand as _kk_v1_SignedCommand, SignedCommand__Output as _kk_v1_SignedCommand__Output } from './kk/v1/SignedCommand';
import type { WriteFileCommand as _kk_v1_WriteFileCommand, WriteFileCommand__Output as _kk_v1_WriteFileCommand__Output } from './kk/v1/WriteFileCommand';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  kk: {
    v1: {
      CancelCommand: MessageTypeDefinition<_kk_v1_CancelCommand, _kk_v1_CancelCommand__Output>
      Command: MessageTypeDefinition<_kk_v1_Command, _kk_v1_Command__Output>
      CommandAccepted: MessageTypeDefinition<_kk_v1_CommandAccepted, _kk_v1_CommandAccepted__Output>
      CommandResult: MessageTypeDefinition<_kk_v1_CommandResult, _kk_v1_CommandResult__Output>
      ExecCommand: MessageTypeDefinition<_kk_v1_ExecCommand, _kk_v1_ExecCommand__Output>
      FetchCommand: MessageTypeDefinition<_kk_v1_FetchCommand, _kk_v1_FetchCommand__Output>
      OutputChunk: MessageTypeDefinition<_kk_v1_OutputChunk, _kk_v1_OutputChunk__Output>
      ProbeCommand: MessageTypeDefinition<_kk_v1_ProbeCommand, _kk_v1_ProbeCommand__Output>
      RefreshFactsCommand: MessageTypeDefinition<_kk_v1_RefreshFactsCommand, _kk_v1_RefreshFactsCommand__Output>
      ServiceCommand: MessageTypeDefinition<_kk_v1_ServiceCommand, _kk_v1_ServiceCommand__Output>
      SignedCommand: MessageTypeDefinition<_kk_v1_SignedCommand, _kk_v1_SignedCommand__Output>
      WriteFileCommand: MessageTypeDefinition<_kk_v1_WriteFileCommand, _kk_v1_WriteFileCommand__Output>
    }
  }
}

