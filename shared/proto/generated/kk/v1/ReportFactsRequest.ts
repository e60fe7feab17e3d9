// Original file: proto/kk/v1/agent.proto

import type { FactSet as _kk_v1_FactSet, FactSet__Output as _kk_v1_FactSet__Output } from '../../kk/v1/FactSet';

export interface ReportFactsRequest {
  'facts'?: (_kk_v1_FactSet | null);
  'lastRoundTripMs'?: (number);
  'reason'?: (string);
  'requestId'?: (string);
}

export interface ReportFactsRequest__Output {
  'facts': (_kk_v1_FactSet__Output | null);
  'lastRoundTripMs': (number);
  'reason': (string);
  'requestId': (string);
}
