// Original file: proto/kk/v1/facts.proto


export interface InterfaceAddress {
  'family'?: (string);
  'address'?: (string);
  'prefixLength'?: (number);
}

export interface InterfaceAddress__Output {
  'family': (string);
  'address': (string);
  'prefixLength': (number);
}
