// Original file: proto/kk/v1/agent.proto


export interface SessionHello {
  'agentVersion'?: (string);
}

export interface SessionHello__Output {
  'agentVersion': (string);
}
