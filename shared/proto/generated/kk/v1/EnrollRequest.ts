// Original file: proto/kk/v1/agent.proto


export interface EnrollRequest {
  'token'?: (string);
  'name'?: (string);
  'machineId'?: (string);
  'csrPem'?: (string);
  'natsPublicKey'?: (string);
  'force'?: (boolean);
  'agentVersion'?: (string);
}

export interface EnrollRequest__Output {
  'token': (string);
  'name': (string);
  'machineId': (string);
  'csrPem': (string);
  'natsPublicKey': (string);
  'force': (boolean);
  'agentVersion': (string);
}
