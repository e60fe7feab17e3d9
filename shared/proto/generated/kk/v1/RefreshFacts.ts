// Original file: proto/kk/v1/agent.proto


export interface RefreshFacts {
  'requestId'?: (string);
  'fioDirectory'?: (string);
}

export interface RefreshFacts__Output {
  'requestId': (string);
  'fioDirectory': (string);
}
