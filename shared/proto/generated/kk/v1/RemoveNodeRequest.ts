// Original file: proto/kk/v1/admin.proto


export interface RemoveNodeRequest {
  'name'?: (string);
}

export interface RemoveNodeRequest__Output {
  'name': (string);
}
