// Messages between the fleet (parent) and its worker processes, over the fork IPC channel.

export interface StartMessage {
  type: 'start';
  server: string;
  joinToken: string;
  /** Root of the simulated nodes' data dirs (one subdirectory per node). */
  dataRoot: string;
  agents: { index: number; name: string }[];
  /** Enrolments this worker runs at once (the rest wait their turn); 0 = all at once. */
  concurrency: number;
  logLevel: string;
}

export type ToWorker = StartMessage | { type: 'stop' } | { type: 'stats' };

export type FromWorker =
  | { type: 'loaded' }
  | { type: 'enrolled'; name: string; ms: number; attempts: number }
  | { type: 'ready'; name: string; ms: number; natsAttempts: number }
  | { type: 'failed'; name: string; error: string }
  | { type: 'stats'; rssBytes: number; heapUsedBytes: number; reports: number; agents: number }
  | { type: 'stopped' };
