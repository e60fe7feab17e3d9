// Original file: proto/kk/v1/command.proto


export interface CancelCommand {
  'commandId'?: (string);
}

export interface CancelCommand__Output {
  'commandId': (string);
}
