// Original file: proto/kk/v1/admin.proto


export interface RefreshFactsResponse {
  'refreshed'?: (string)[];
  'failed'?: ({[key: string]: string});
}

export interface RefreshFactsResponse__Output {
  'refreshed': (string)[];
  'failed': ({[key: string]: string});
}
