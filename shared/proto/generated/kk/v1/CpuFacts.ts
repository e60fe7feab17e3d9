// Original file: proto/kk/v1/facts.proto


export interface CpuFacts {
  'count'?: (number);
  'model'?: (string);
}

export interface CpuFacts__Output {
  'count': (number);
  'model': (string);
}
