// Original file: proto/kk/v1/admin.proto


export interface RunCommandRequest {
  'inventoryName'?: (string);
  'inventoryYaml'?: (string);
  'configName'?: (string);
  'configYaml'?: (string);
  'hosts'?: (string)[];
  'argv'?: (string)[];
  'timeoutSeconds'?: (number);
}

export interface RunCommandRequest__Output {
  'inventoryName': (string);
  'inventoryYaml': (string);
  'configName': (string);
  'configYaml': (string);
  'hosts': (string)[];
  'argv': (string)[];
  'timeoutSeconds': (number);
}
