// Original file: proto/kk/v1/command.proto

import type { Long } from '@grpc/proto-loader';

export interface OutputChunk {
  'id'?: (string);
  'seq'?: (number | string | Long);
  'stream'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'droppedBytes'?: (number | string | Long);
}

export interface OutputChunk__Output {
  'id': (string);
  'seq': (number);
  'stream': (string);
  'data': (Buffer);
  'droppedBytes': (number);
}
