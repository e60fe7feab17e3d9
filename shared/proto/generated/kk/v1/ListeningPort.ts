// Original file: proto/kk/v1/facts.proto


export interface ListeningPort {
  'protocol'?: (string);
  'address'?: (string);
  'port'?: (number);
  'process'?: (string);
  '_process'?: "process";
}

export interface ListeningPort__Output {
  'protocol': (string);
  'address': (string);
  'port': (number);
  'process'?: (string);
  '_process'?: "process";
}
