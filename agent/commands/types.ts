// What every executor gets and gives back. The listener owns delivery, journal and output
// streaming; an executor only does its one kind of work.
import type { Logger } from '../../shared/log';

export type OutputStream = 'stdout' | 'stderr';

export interface OutputSink {
  write(stream: OutputStream, data: Buffer): void;
}

export interface ExecutorContext {
  id: string;
  /** Aborted when the coordinator cancels the command. */
  signal: AbortSignal;
  output: OutputSink;
  /** The agent data dir (the fetch cache lives under it). */
  dataDir: string;
  /** The coordinator's CA and HTTPS base URL (fetch). */
  caPem: string;
  serverUrl: string;
  log: Logger;
  /** Called once a process group exists, so a crash can be cleaned up after a restart. */
  onProcessGroup?(pid: number): void;
}

export interface ExecutorOutcome {
  status: 'ok' | 'failed' | 'timeout' | 'cancelled';
  exitCode: number | null;
  changed: boolean;
  error?: string;
  data?: Record<string, string>;
}

export const failed = (error: string, data?: Record<string, string>): ExecutorOutcome => ({ status: 'failed', exitCode: null, changed: false, error, data });
