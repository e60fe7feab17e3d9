// Original file: proto/kk/v1/agent.proto

import type { Long } from '@grpc/proto-loader';

export interface Ping {
  'coordinatorTimeMs'?: (number | string | Long);
}

export interface Ping__Output {
  'coordinatorTimeMs': (number);
}
