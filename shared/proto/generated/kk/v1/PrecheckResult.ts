// Original file: proto/kk/v1/admin.proto


export interface PrecheckResult {
  'id'?: (string);
  'host'?: (string);
  'status'?: (string);
  'severity'?: (string);
  'message'?: (string);
  '_host'?: "host";
}

export interface PrecheckResult__Output {
  'id': (string);
  'host'?: (string);
  'status': (string);
  'severity': (string);
  'message': (string);
  '_host'?: "host";
}
