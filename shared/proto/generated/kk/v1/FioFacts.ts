// Original file: proto/kk/v1/facts.proto

import type { FioLatency as _kk_v1_FioLatency, FioLatency__Output as _kk_v1_FioLatency__Output } from '../../kk/v1/FioLatency';
import type { Long } from '@grpc/proto-loader';

export interface FioFacts {
  'directory'?: (string);
  'syncLatencyNs'?: (_kk_v1_FioLatency | null);
  'ranAtMs'?: (number | string | Long);
}

export interface FioFacts__Output {
  'directory': (string);
  'syncLatencyNs': (_kk_v1_FioLatency__Output | null);
  'ranAtMs': (number);
}
