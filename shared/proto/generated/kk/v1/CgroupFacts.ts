// Original file: proto/kk/v1/facts.proto


export interface CgroupFacts {
  'version'?: (number);
  'controllers'?: (string)[];
}

export interface CgroupFacts__Output {
  'version': (number);
  'controllers': (string)[];
}
