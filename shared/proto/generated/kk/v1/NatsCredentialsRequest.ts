// Original file: proto/kk/v1/agent.proto


export interface NatsCredentialsRequest {
  'agentVersion'?: (string);
}

export interface NatsCredentialsRequest__Output {
  'agentVersion': (string);
}
