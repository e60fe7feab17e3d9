// Original file: proto/kk/v1/admin.proto

import type { RunFinished as _kk_v1_RunFinished, RunFinished__Output as _kk_v1_RunFinished__Output } from '../../kk/v1/RunFinished';
import type { ProgressEvent as _kk_v1_ProgressEvent, ProgressEvent__Output as _kk_v1_ProgressEvent__Output } from '../../kk/v1/ProgressEvent';

export interface RunEvent {
  'output'?: (string);
  'finished'?: (_kk_v1_RunFinished | null);
  'progress'?: (_kk_v1_ProgressEvent | null);
  'precheckReportJson'?: (string);
  'event'?: "output"|"finished"|"progress"|"precheckReportJson";
}

export interface RunEvent__Output {
  'output'?: (string);
  'finished'?: (_kk_v1_RunFinished__Output | null);
  'progress'?: (_kk_v1_ProgressEvent__Output | null);
  'precheckReportJson'?: (string);
  'event'?: "output"|"finished"|"progress"|"precheckReportJson";
}
