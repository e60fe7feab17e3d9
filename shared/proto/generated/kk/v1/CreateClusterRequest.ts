// Original file: proto/kk/v1/admin.proto


export interface CreateClusterRequest {
  'inventoryName'?: (string);
  'inventoryYaml'?: (string);
  'configName'?: (string);
  'configYaml'?: (string);
  'phases'?: (string)[];
  'skipPhases'?: (string)[];
  'dryRun'?: (boolean);
  'resume'?: (string);
  'ignorePrecheckErrors'?: (boolean);
  'workDir'?: (string);
  'tty'?: (boolean);
  'columns'?: (number);
  'command'?: (string)[];
  'skip'?: (string)[];
  'ignoreErrors'?: (string)[];
  'artifact'?: (string);
  'noDownload'?: (boolean);
  'maxParallel'?: (number);
  'force'?: (boolean);
  'deleteAll'?: (boolean);
  'withData'?: (boolean);
  'planJson'?: (boolean);
}

export interface CreateClusterRequest__Output {
  'inventoryName': (string);
  'inventoryYaml': (string);
  'configName': (string);
  'configYaml': (string);
  'phases': (string)[];
  'skipPhases': (string)[];
  'dryRun': (boolean);
  'resume': (string);
  'ignorePrecheckErrors': (boolean);
  'workDir': (string);
  'tty': (boolean);
  'columns': (number);
  'command': (string)[];
  'skip': (string)[];
  'ignoreErrors': (string)[];
  'artifact': (string);
  'noDownload': (boolean);
  'maxParallel': (number);
  'force': (boolean);
  'deleteAll': (boolean);
  'withData': (boolean);
  'planJson': (boolean);
}
