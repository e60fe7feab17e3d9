// Original file: proto/kk/v1/command.proto


export interface SignedCommand {
  'command'?: (Buffer | Uint8Array | string);
  'signature'?: (Buffer | Uint8Array | string);
}

export interface SignedCommand__Output {
  'command': (Buffer);
  'signature': (Buffer);
}
