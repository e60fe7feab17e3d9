// Original file: proto/kk/v1/command.proto

import type { Long } from '@grpc/proto-loader';

export interface CommandResult {
  'id'?: (string);
  'status'?: (string);
  'exitCode'?: (number);
  'durationMs'?: (number | string | Long);
  'changed'?: (boolean);
  'error'?: (string);
  'stdoutTail'?: (Buffer | Uint8Array | string);
  'stderrTail'?: (Buffer | Uint8Array | string);
  'fromJournal'?: (boolean);
  'data'?: ({[key: string]: string});
  'stdoutBytes'?: (number | string | Long);
  'stderrBytes'?: (number | string | Long);
}

export interface CommandResult__Output {
  'id': (string);
  'status': (string);
  'exitCode': (number);
  'durationMs': (number);
  'changed': (boolean);
  'error': (string);
  'stdoutTail': (Buffer);
  'stderrTail': (Buffer);
  'fromJournal': (boolean);
  'data': ({[key: string]: string});
  'stdoutBytes': (number);
  'stderrBytes': (number);
}
