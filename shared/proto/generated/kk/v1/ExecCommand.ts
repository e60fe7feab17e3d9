// Original file: proto/kk/v1/command.proto


export interface ExecCommand {
  'argv'?: (string)[];
  'script'?: (string);
  'env'?: ({[key: string]: string});
  'cwd'?: (string);
  'stdin'?: (Buffer | Uint8Array | string);
  'timeoutMs'?: (number);
  'unchangedExitCode'?: (number);
}

export interface ExecCommand__Output {
  'argv': (string)[];
  'script': (string);
  'env': ({[key: string]: string});
  'cwd': (string);
  'stdin': (Buffer);
  'timeoutMs': (number);
  'unchangedExitCode': (number);
}
