// Original file: proto/kk/v1/admin.proto


export interface PrecheckRequest {
  'inventoryName'?: (string);
  'inventoryYaml'?: (string);
  'configName'?: (string);
  'configYaml'?: (string);
  'skip'?: (string)[];
  'ignoreErrors'?: (string)[];
  'watch'?: (boolean);
  'workDir'?: (string);
  'watchIntervalMs'?: (number);
}

export interface PrecheckRequest__Output {
  'inventoryName': (string);
  'inventoryYaml': (string);
  'configName': (string);
  'configYaml': (string);
  'skip': (string)[];
  'ignoreErrors': (string)[];
  'watch': (boolean);
  'workDir': (string);
  'watchIntervalMs': (number);
}
