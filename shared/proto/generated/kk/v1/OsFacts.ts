// Original file: proto/kk/v1/facts.proto


export interface OsFacts {
  'id'?: (string);
  'versionId'?: (string);
  'prettyName'?: (string);
  'kernelVersion'?: (string);
  'architecture'?: (string);
  'machine'?: (string);
}

export interface OsFacts__Output {
  'id': (string);
  'versionId': (string);
  'prettyName': (string);
  'kernelVersion': (string);
  'architecture': (string);
  'machine': (string);
}
