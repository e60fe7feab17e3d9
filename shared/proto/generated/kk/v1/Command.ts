// Original file: proto/kk/v1/command.proto

import type { ExecCommand as _kk_v1_ExecCommand, ExecCommand__Output as _kk_v1_ExecCommand__Output } from '../../kk/v1/ExecCommand';
import type { WriteFileCommand as _kk_v1_WriteFileCommand, WriteFileCommand__Output as _kk_v1_WriteFileCommand__Output } from '../../kk/v1/WriteFileCommand';
import type { FetchCommand as _kk_v1_FetchCommand, FetchCommand__Output as _kk_v1_FetchCommand__Output } from '../../kk/v1/FetchCommand';
import type { ServiceCommand as _kk_v1_ServiceCommand, ServiceCommand__Output as _kk_v1_ServiceCommand__Output } from '../../kk/v1/ServiceCommand';
import type { ProbeCommand as _kk_v1_ProbeCommand, ProbeCommand__Output as _kk_v1_ProbeCommand__Output } from '../../kk/v1/ProbeCommand';
import type { RefreshFactsCommand as _kk_v1_RefreshFactsCommand, RefreshFactsCommand__Output as _kk_v1_RefreshFactsCommand__Output } from '../../kk/v1/RefreshFactsCommand';
import type { CancelCommand as _kk_v1_CancelCommand, CancelCommand__Output as _kk_v1_CancelCommand__Output } from '../../kk/v1/CancelCommand';
import type { Long } from '@grpc/proto-loader';

export interface Command {
  'id'?: (string);
  'node'?: (string);
  'issuedAtMs'?: (number | string | Long);
  'expiresAtMs'?: (number | string | Long);
  'exec'?: (_kk_v1_ExecCommand | null);
  'writeFile'?: (_kk_v1_WriteFileCommand | null);
  'fetch'?: (_kk_v1_FetchCommand | null);
  'service'?: (_kk_v1_ServiceCommand | null);
  'probe'?: (_kk_v1_ProbeCommand | null);
  'refreshFacts'?: (_kk_v1_RefreshFactsCommand | null);
  'cancel'?: (_kk_v1_CancelCommand | null);
  'kind'?: "exec"|"writeFile"|"fetch"|"service"|"probe"|"refreshFacts"|"cancel";
}

export interface Command__Output {
  'id': (string);
  'node': (string);
  'issuedAtMs': (number);
  'expiresAtMs': (number);
  'exec'?: (_kk_v1_ExecCommand__Output | null);
  'writeFile'?: (_kk_v1_WriteFileCommand__Output | null);
  'fetch'?: (_kk_v1_FetchCommand__Output | null);
  'service'?: (_kk_v1_ServiceCommand__Output | null);
  'probe'?: (_kk_v1_ProbeCommand__Output | null);
  'refreshFacts'?: (_kk_v1_RefreshFactsCommand__Output | null);
  'cancel'?: (_kk_v1_CancelCommand__Output | null);
  'kind'?: "exec"|"writeFile"|"fetch"|"service"|"probe"|"refreshFacts"|"cancel";
}
