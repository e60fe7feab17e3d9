// Original file: proto/kk/v1/facts.proto

import type { Long } from '@grpc/proto-loader';

export interface DiskFacts {
  'mount'?: (string);
  'totalBytes'?: (number | string | Long);
  'freeBytes'?: (number | string | Long);
}

export interface DiskFacts__Output {
  'mount': (string);
  'totalBytes': (number);
  'freeBytes': (number);
}
