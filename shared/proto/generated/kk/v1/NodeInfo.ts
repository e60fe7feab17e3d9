// Original file: proto/kk/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface NodeInfo {
  'name'?: (string);
  'machineId'?: (string);
  'internalIps'?: (string)[];
  'os'?: (string);
  'arch'?: (string);
  'kernel'?: (string);
  'cpuCount'?: (number);
  'memoryBytes'?: (number | string | Long);
  'connected'?: (boolean);
  'lastSeenMs'?: (number | string | Long);
  'enrolledAtMs'?: (number | string | Long);
  'certificateSerial'?: (string);
  'agentVersion'?: (string);
  'clockOffsetMs'?: (number | string | Long);
}

export interface NodeInfo__Output {
  'name': (string);
  'machineId': (string);
  'internalIps': (string)[];
  'os': (string);
  'arch': (string);
  'kernel': (string);
  'cpuCount': (number);
  'memoryBytes': (number);
  'connected': (boolean);
  'lastSeenMs': (number);
  'enrolledAtMs': (number);
  'certificateSerial': (string);
  'agentVersion': (string);
  'clockOffsetMs': (number);
}
