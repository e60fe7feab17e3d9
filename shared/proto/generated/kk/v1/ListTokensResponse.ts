// Original file: proto/kk/v1/admin.proto

import type { TokenInfo as _kk_v1_TokenInfo, TokenInfo__Output as _kk_v1_TokenInfo__Output } from '../../kk/v1/TokenInfo';

export interface ListTokensResponse {
  'tokens'?: (_kk_v1_TokenInfo)[];
}

export interface ListTokensResponse__Output {
  'tokens': (_kk_v1_TokenInfo__Output)[];
}
