// Original file: proto/kk/v1/admin.proto


export interface RunLogsRequest {
  'id'?: (string);
  'host'?: (string);
}

export interface RunLogsRequest__Output {
  'id': (string);
  'host': (string);
}
