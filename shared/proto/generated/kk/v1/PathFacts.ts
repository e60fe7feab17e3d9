// Original file: proto/kk/v1/facts.proto


export interface PathFacts {
  'exists'?: (boolean);
  'empty'?: (boolean);
}

export interface PathFacts__Output {
  'exists': (boolean);
  'empty': (boolean);
}
