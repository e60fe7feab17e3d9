// Original file: proto/kk/v1/admin.proto


export interface RefreshFactsRequest {
  'names'?: (string)[];
  'fioDirectory'?: (string);
  'timeoutMs'?: (number);
}

export interface RefreshFactsRequest__Output {
  'names': (string)[];
  'fioDirectory': (string);
  'timeoutMs': (number);
}
