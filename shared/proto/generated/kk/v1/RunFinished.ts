// Original file: proto/kk/v1/admin.proto


export interface RunFinished {
  'runId'?: (string);
  'status'?: (string);
  'failedPhase'?: (string);
  'message'?: (string);
  'exitCodes'?: ({[key: string]: number});
  'errors'?: ({[key: string]: string});
}

export interface RunFinished__Output {
  'runId': (string);
  'status': (string);
  'failedPhase': (string);
  'message': (string);
  'exitCodes': ({[key: string]: number});
  'errors': ({[key: string]: string});
}
