// Original file: proto/kk/v1/command.proto


export interface FetchCommand {
  'urlPath'?: (string);
  'sha256'?: (string);
  'dest'?: (string);
  'mode'?: (number);
  'owner'?: (string);
  'group'?: (string);
  'makeParents'?: (boolean);
}

export interface FetchCommand__Output {
  'urlPath': (string);
  'sha256': (string);
  'dest': (string);
  'mode': (number);
  'owner': (string);
  'group': (string);
  'makeParents': (boolean);
}
