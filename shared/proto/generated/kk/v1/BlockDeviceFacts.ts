// Original file: proto/kk/v1/facts.proto

import type { Long } from '@grpc/proto-loader';

export interface BlockDeviceFacts {
  'name'?: (string);
  'sizeBytes'?: (number | string | Long);
  'type'?: (string);
  'mountpoint'?: (string);
  'fstype'?: (string);
  '_mountpoint'?: "mountpoint";
  '_fstype'?: "fstype";
}

export interface BlockDeviceFacts__Output {
  'name': (string);
  'sizeBytes': (number);
  'type': (string);
  'mountpoint'?: (string);
  'fstype'?: (string);
  '_mountpoint'?: "mountpoint";
  '_fstype'?: "fstype";
}
