// Original file: proto/kk/v1/admin.proto

import type { PrecheckReport as _kk_v1_PrecheckReport, PrecheckReport__Output as _kk_v1_PrecheckReport__Output } from '../../kk/v1/PrecheckReport';

export interface PrecheckEvent {
  'report'?: (_kk_v1_PrecheckReport | null);
  'progress'?: (string);
  'event'?: "report"|"progress";
}

export interface PrecheckEvent__Output {
  'report'?: (_kk_v1_PrecheckReport__Output | null);
  'progress'?: (string);
  'event'?: "report"|"progress";
}
