// Original file: proto/kk/v1/admin.proto


export interface GetFactsRequest {
  'name'?: (string);
}

export interface GetFactsRequest__Output {
  'name': (string);
}
