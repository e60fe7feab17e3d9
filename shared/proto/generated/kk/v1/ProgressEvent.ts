// Original file: proto/kk/v1/admin.proto

import type { ProgressKind as _kk_v1_ProgressKind, ProgressKind__Output as _kk_v1_ProgressKind__Output } from '../../kk/v1/ProgressKind';
import type { TaskState as _kk_v1_TaskState, TaskState__Output as _kk_v1_TaskState__Output } from '../../kk/v1/TaskState';
import type { Long } from '@grpc/proto-loader';

export interface ProgressEvent {
  'kind'?: (_kk_v1_ProgressKind);
  'phase'?: (string);
  'title'?: (string);
  'hosts'?: (string)[];
  'host'?: (string);
  'step'?: (string);
  'task'?: (string);
  'state'?: (_kk_v1_TaskState);
  'durationMs'?: (number | string | Long);
  'detail'?: (string);
  'text'?: (string);
  'stream'?: (string);
}

export interface ProgressEvent__Output {
  'kind': (_kk_v1_ProgressKind__Output);
  'phase': (string);
  'title': (string);
  'hosts': (string)[];
  'host': (string);
  'step': (string);
  'task': (string);
  'state': (_kk_v1_TaskState__Output);
  'durationMs': (number);
  'detail': (string);
  'text': (string);
  'stream': (string);
}
