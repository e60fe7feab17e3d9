// What the phases need from the command path: send one typed command to one node and get its
// outcome. The real implementation is coordinator/commands/dispatcher.ts (signed commands over
// NATS); phases depend only on this shape so they can be planned, printed and unit-tested
// without a NATS server.

export interface ExecSpec {
  kind: 'exec';
  /** Program and arguments, run without a shell. Exactly one of argv and script. */
  argv?: string[];
  /** A script run by `/bin/bash`. */
  script?: string;
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  timeoutMs?: number;
}

export interface WriteFileSpec {
  kind: 'writeFile';
  path: string;
  content: string;
  /** Octal permission bits, e.g. 0o755. */
  mode?: number;
  owner?: string;
  group?: string;
  /** Keep the previous content next to the file before replacing it. */
  backup?: boolean;
}

export type CommandSpec = ExecSpec | WriteFileSpec;

export type CommandStatus = 'ok' | 'failed' | 'refused' | 'timeout' | 'cancelled' | 'unreachable';

export interface CommandOutcome {
  id: string;
  node: string;
  status: CommandStatus;
  exitCode: number | null;
  durationMs: number;
  changed: boolean;
  stdoutTail: string;
  stderrTail: string;
  error?: string;
  /** The agent answered from its journal: the command had already run under this id. */
  fromJournal: boolean;
  data?: unknown;
}

export interface OutputChunk {
  stream: 'stdout' | 'stderr';
  data: string;
}

export interface SendOptions {
  /** Stable command id (see commandId): re-sending the same id never runs the command twice. */
  id: string;
  timeoutMs?: number;
  onOutput?: (chunk: OutputChunk) => void;
  signal?: AbortSignal;
}

export interface HostExecutor {
  send(node: string, spec: CommandSpec, opts: SendOptions): Promise<CommandOutcome>;
}
