// Original file: proto/kk/v1/admin.proto


export interface PrecheckSummary {
  'pass'?: (number);
  'fail'?: (number);
  'warn'?: (number);
  'skip'?: (number);
}

export interface PrecheckSummary__Output {
  'pass': (number);
  'fail': (number);
  'warn': (number);
  'skip': (number);
}
