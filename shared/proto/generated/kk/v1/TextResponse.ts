// Original file: proto/kk/v1/admin.proto


export interface TextResponse {
  'text'?: (string);
}

export interface TextResponse__Output {
  'text': (string);
}
