// Original file: proto/kk/v1/admin.proto

import type { Long } from '@grpc/proto-loader';

export interface TokenInfo {
  'id'?: (string);
  'token'?: (string);
  'createdAtMs'?: (number | string | Long);
  'expiresAtMs'?: (number | string | Long);
  'usesAllowed'?: (number);
  'usesCount'?: (number);
  'revoked'?: (boolean);
  'description'?: (string);
  'oneLiner'?: (string);
  'status'?: (string);
}

export interface TokenInfo__Output {
  'id': (string);
  'token': (string);
  'createdAtMs': (number);
  'expiresAtMs': (number);
  'usesAllowed': (number);
  'usesCount': (number);
  'revoked': (boolean);
  'description': (string);
  'oneLiner': (string);
  'status': (string);
}
