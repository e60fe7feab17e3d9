// Original file: proto/kk/v1/command.proto

import type { Long } from '@grpc/proto-loader';

export interface CommandAccepted {
  'id'?: (string);
  'startedAtMs'?: (number | string | Long);
  'alreadyRunning'?: (boolean);
}

export interface CommandAccepted__Output {
  'id': (string);
  'startedAtMs': (number);
  'alreadyRunning': (boolean);
}
