// Original file: proto/kk/v1/admin.proto


export interface ShowRunRequest {
  'id'?: (string);
  'json'?: (boolean);
}

export interface ShowRunRequest__Output {
  'id': (string);
  'json': (boolean);
}
