// Original file: proto/kk/v1/facts.proto

import type { InterfaceAddress as _kk_v1_InterfaceAddress, InterfaceAddress__Output as _kk_v1_InterfaceAddress__Output } from '../../kk/v1/InterfaceAddress';

export interface InterfaceFacts {
  'name'?: (string);
  'mac'?: (string);
  'mtu'?: (number);
  'up'?: (boolean);
  'addresses'?: (_kk_v1_InterfaceAddress)[];
}

export interface InterfaceFacts__Output {
  'name': (string);
  'mac': (string);
  'mtu': (number);
  'up': (boolean);
  'addresses': (_kk_v1_InterfaceAddress__Output)[];
}
