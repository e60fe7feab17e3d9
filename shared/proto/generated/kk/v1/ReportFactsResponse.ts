// Original file: proto/kk/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface ReportFactsResponse {
  'receivedAtMs'?: (number | string | Long);
  'clockOffsetMs'?: (number | string | Long);
}

export interface ReportFactsResponse__Output {
  'receivedAtMs': (number);
  'clockOffsetMs': (number);
}
