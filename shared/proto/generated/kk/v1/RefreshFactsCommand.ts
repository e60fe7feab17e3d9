// Original file: proto/kk/v1/command.proto


export interface RefreshFactsCommand {
  'fioDirectory'?: (string);
}

export interface RefreshFactsCommand__Output {
  'fioDirectory': (string);
}
