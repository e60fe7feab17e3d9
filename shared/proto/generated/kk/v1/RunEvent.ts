// Original file: proto/kk/v1/admin.proto

import type { RunFinished as _kk_v1_RunFinished, RunFinished__Output as _kk_v1_RunFinished__Output } from '../../kk/v1/RunFinished';

export interface RunEvent {
  'output'?: (string);
  'finished'?: (_kk_v1_RunFinished | null);
  'event'?: "output"|"finished";
}

export interface RunEvent__Output {
  'output'?: (string);
  'finished'?: (_kk_v1_RunFinished__Output | null);
  'event'?: "output"|"finished";
}
