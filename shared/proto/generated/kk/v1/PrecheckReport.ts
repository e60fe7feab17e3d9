// Original file: proto/kk/v1/admin.proto

import type { PrecheckSummary as _kk_v1_PrecheckSummary, PrecheckSummary__Output as _kk_v1_PrecheckSummary__Output } from '../../kk/v1/PrecheckSummary';
import type { PrecheckResult as _kk_v1_PrecheckResult, PrecheckResult__Output as _kk_v1_PrecheckResult__Output } from '../../kk/v1/PrecheckResult';
import type { Long } from '@grpc/proto-loader';

export interface PrecheckReport {
  'summary'?: (_kk_v1_PrecheckSummary | null);
  'results'?: (_kk_v1_PrecheckResult)[];
  'evaluatedAtMs'?: (number | string | Long);
}

export interface PrecheckReport__Output {
  'summary': (_kk_v1_PrecheckSummary__Output | null);
  'results': (_kk_v1_PrecheckResult__Output)[];
  'evaluatedAtMs': (number);
}
