// Original file: proto/kk/v1/command.proto


export interface ProbeCommand {
  'mode'?: (string);
  'host'?: (string);
  'port'?: (number);
  'timeoutMs'?: (number);
  'holdMs'?: (number);
}

export interface ProbeCommand__Output {
  'mode': (string);
  'host': (string);
  'port': (number);
  'timeoutMs': (number);
  'holdMs': (number);
}
