// Original file: proto/kk/v1/agent.proto


export interface NatsCredentialsResponse {
  'natsUserJwt'?: (string);
  'natsUrls'?: (string)[];
}

export interface NatsCredentialsResponse__Output {
  'natsUserJwt': (string);
  'natsUrls': (string)[];
}
