// Original file: proto/kk/v1/agent.proto

import type { RefreshFacts as _kk_v1_RefreshFacts, RefreshFacts__Output as _kk_v1_RefreshFacts__Output } from '../../kk/v1/RefreshFacts';
import type { Ping as _kk_v1_Ping, Ping__Output as _kk_v1_Ping__Output } from '../../kk/v1/Ping';

export interface SessionEvent {
  'refreshFacts'?: (_kk_v1_RefreshFacts | null);
  'ping'?: (_kk_v1_Ping | null);
  'event'?: "refreshFacts"|"ping";
}

export interface SessionEvent__Output {
  'refreshFacts'?: (_kk_v1_RefreshFacts__Output | null);
  'ping'?: (_kk_v1_Ping__Output | null);
  'event'?: "refreshFacts"|"ping";
}
