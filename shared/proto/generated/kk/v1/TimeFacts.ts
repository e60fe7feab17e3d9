// Original file: proto/kk/v1/facts.proto

import type { Long } from '@grpc/proto-loader';

export interface TimeFacts {
  'epochMs'?: (number | string | Long);
  'ntpSynchronized'?: (boolean);
  '_ntpSynchronized'?: "ntpSynchronized";
}

export interface TimeFacts__Output {
  'epochMs': (number);
  'ntpSynchronized'?: (boolean);
  '_ntpSynchronized'?: "ntpSynchronized";
}
