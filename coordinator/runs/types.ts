// The persisted shape of a run: what was asked for, and per phase → task → host what happened.
// A task is one unit of work on one host (at most one command); its identity is
// phase + task + host, which is what --resume matches on.
import type { OutcomeStatus } from '../commands/dispatcher';

export const PHASE_NAMES = ['pre_hook', 'precheck', 'init', 'install', 'post_hook', 'delete'] as const;
export type PhaseName = (typeof PHASE_NAMES)[number];

export type TaskStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'cancelled';
/** What is stored; `interrupted` is derived on load (running, but its owner process is gone). */
export type StoredRunStatus = 'running' | 'ok' | 'failed' | 'cancelled';
export type RunStatus = StoredRunStatus | 'interrupted';

/** The host name used for work the coordinator does itself (precheck evaluation). */
export const COORDINATOR_HOST = '@coordinator';

export interface RunOwner {
  hostname: string;
  pid: number;
  /** The process's start time in clock ticks since boot (/proc/<pid>/stat), so a reused pid is not taken for the owner. */
  startTicks: string | null;
}

export interface TaskRecord {
  phase: PhaseName;
  task: string;
  host: string;
  /** The install step (etcd, containerd …) the task belongs to. */
  step?: string;
  status: TaskStatus;
  /** Bumped when a finished, unsuccessful command has to be sent again (a new command id). */
  attempt: number;
  /** The command id of the current attempt (none for coordinator-side tasks). */
  commandId?: string;
  /** Every command id this task has used, oldest first. */
  commandIds: string[];
  /** sha256 of the command payload of the current attempt: a changed payload needs a new id. */
  digest?: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  outcome?: OutcomeStatus;
  exitCode?: number | null;
  changed?: boolean;
  fromJournal?: boolean;
  /** The last few KiB of the command's output. */
  outputTail?: string;
  error?: string;
}

export interface PhaseRecord {
  name: PhaseName;
  title: string;
  status: TaskStatus;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** A one-line result or the reason the phase stopped the run. */
  message?: string;
  tasks: TaskRecord[];
}

export interface RunAttempt {
  startedAt: string;
  owner: RunOwner;
}

export interface RunRecord {
  version: 1;
  id: string;
  /** What the operator ran, e.g. ["create", "cluster", "-i", "inventory.yaml"]. */
  command: string[];
  inventory: string;
  config: string | null;
  /** The phase filters as given; phaseRecords holds the phases they selected, in pipeline order. */
  requested: { phases: string[] | null; skipPhases: string[] };
  status: StoredRunStatus;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  error?: string;
  owner: RunOwner;
  /** The first start and every --resume. */
  attempts: RunAttempt[];
  /** Values fixed once per run so a resumed run sends identical payloads (e.g. the backup timestamp). */
  params: Record<string, string>;
  phaseRecords: PhaseRecord[];
}

export interface RunSummary {
  id: string;
  command: string[];
  status: RunStatus;
  createdAt: string;
  finishedAt?: string;
  phases: PhaseName[];
  /** The phase that failed or was running when the run stopped. */
  stoppedAt?: PhaseName;
  error?: string;
}
