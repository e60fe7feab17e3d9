// Original file: proto/kk/v1/facts.proto

import type { Long } from '@grpc/proto-loader';

export interface MemoryFacts {
  'totalBytes'?: (number | string | Long);
  'availableBytes'?: (number | string | Long);
  'swapTotalBytes'?: (number | string | Long);
  'swapFreeBytes'?: (number | string | Long);
}

export interface MemoryFacts__Output {
  'totalBytes': (number);
  'availableBytes': (number);
  'swapTotalBytes': (number);
  'swapFreeBytes': (number);
}
