// The report shape of precheck.md's `-o json`, field for field.
import type { Severity, Status } from './rule';

export interface Result {
  id: string;
  host: string | null;
  status: Status;
  severity: Severity;
  message: string;
}

export interface Summary {
  pass: number;
  fail: number;
  warn: number;
  skip: number;
}

export interface Report {
  summary: Summary;
  results: Result[];
}
