// Original file: proto/kk/v1/facts.proto

import type { Long } from '@grpc/proto-loader';

export interface FioLatency {
  'p50'?: (number | string | Long);
  'p90'?: (number | string | Long);
  'p99'?: (number | string | Long);
}

export interface FioLatency__Output {
  'p50': (number);
  'p90': (number);
  'p99': (number);
}
