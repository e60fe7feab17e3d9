// Original file: proto/kk/v1/admin.proto

import type { NodeInfo as _kk_v1_NodeInfo, NodeInfo__Output as _kk_v1_NodeInfo__Output } from '../../kk/v1/NodeInfo';
import type { Long } from '@grpc/proto-loader';

export interface ListNodesResponse {
  'nodes'?: (_kk_v1_NodeInfo)[];
  'coordinatorTimeMs'?: (number | string | Long);
}

export interface ListNodesResponse__Output {
  'nodes': (_kk_v1_NodeInfo__Output)[];
  'coordinatorTimeMs': (number);
}
