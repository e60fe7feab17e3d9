// Original file: proto/kk/v1/facts.proto


export interface ServiceFacts {
  'loadState'?: (string);
  'activeState'?: (string);
  'version'?: (string);
  '_version'?: "version";
}

export interface ServiceFacts__Output {
  'loadState': (string);
  'activeState': (string);
  'version'?: (string);
  '_version'?: "version";
}
