// Original file: proto/kk/v1/command.proto


export interface ServiceCommand {
  'unit'?: (string);
  'action'?: (string);
  'waitMs'?: (number);
  'journalLines'?: (number);
}

export interface ServiceCommand__Output {
  'unit': (string);
  'action': (string);
  'waitMs': (number);
  'journalLines': (number);
}
