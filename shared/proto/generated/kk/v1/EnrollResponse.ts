// Original file: proto/kk/v1/agent.proto


export interface EnrollResponse {
  'nodeName'?: (string);
  'certificatePem'?: (string);
  'caPem'?: (string);
  'natsUrls'?: (string)[];
  'commandSigningPublicKeyPem'?: (string);
  'commandSubject'?: (string);
  'resultSubjectPrefix'?: (string);
  'factsIntervalSeconds'?: (number);
  'natsUserJwt'?: (string);
}

export interface EnrollResponse__Output {
  'nodeName': (string);
  'certificatePem': (string);
  'caPem': (string);
  'natsUrls': (string)[];
  'commandSigningPublicKeyPem': (string);
  'commandSubject': (string);
  'resultSubjectPrefix': (string);
  'factsIntervalSeconds': (number);
  'natsUserJwt': (string);
}
