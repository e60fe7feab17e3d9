// Original file: proto/kk/v1/command.proto


export interface WriteFileCommand {
  'path'?: (string);
  'data'?: (Buffer | Uint8Array | string);
  'text'?: (string);
  'mode'?: (number);
  'owner'?: (string);
  'group'?: (string);
  'backup'?: (boolean);
  'makeParents'?: (boolean);
  'content'?: "data"|"text";
}

export interface WriteFileCommand__Output {
  'path': (string);
  'data'?: (Buffer);
  'text'?: (string);
  'mode': (number);
  'owner': (string);
  'group': (string);
  'backup': (boolean);
  'makeParents': (boolean);
  'content'?: "data"|"text";
}
