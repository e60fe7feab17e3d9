// Original file: proto/kk/v1/admin.proto

import type { FactSet as _kk_v1_FactSet, FactSet__Output as _kk_v1_FactSet__Output } from '../../kk/v1/FactSet';
import type { Long } from '@grpc/proto-loader';

export interface GetFactsResponse {
  'facts'?: (_kk_v1_FactSet | null);
  'receivedAtMs'?: (number | string | Long);
  'clockOffsetMs'?: (number | string | Long);
}

export interface GetFactsResponse__Output {
  'facts': (_kk_v1_FactSet__Output | null);
  'receivedAtMs': (number);
  'clockOffsetMs': (number);
}
