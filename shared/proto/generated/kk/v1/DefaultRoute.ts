// Original file: proto/kk/v1/facts.proto


export interface DefaultRoute {
  'interface'?: (string);
  'gateway'?: (string);
  '_gateway'?: "gateway";
}

export interface DefaultRoute__Output {
  'interface': (string);
  'gateway'?: (string);
  '_gateway'?: "gateway";
}
