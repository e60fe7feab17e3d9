// Original file: proto/kk/v1/admin.proto


export interface CreateTokenRequest {
  'ttlSeconds'?: (number);
  'uses'?: (number);
  'description'?: (string);
}

export interface CreateTokenRequest__Output {
  'ttlSeconds': (number);
  'uses': (number);
  'description': (string);
}
